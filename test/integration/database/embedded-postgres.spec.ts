import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@deploysphere/database';

// First on-disk init of PGlite takes ≈15 s, a restart a few seconds.
jest.setTimeout(120_000);

async function query(url: string, sql: string, params: unknown[] = []) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

describe('startEmbeddedPostgres', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ds-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps data in dataDir across close and reopen', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    await query(first.url, 'CREATE TABLE notes (id int PRIMARY KEY, body text)');
    await query(first.url, 'INSERT INTO notes VALUES ($1, $2)', [1, 'survives restarts']);
    await first.close();
    await first.close(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(await query(second.url, 'SELECT id, body FROM notes')).toEqual([{ id: 1, body: 'survives restarts' }]);
    } finally {
      await second.close();
    }
  });

  it('serves an in-memory instance that starts empty', async () => {
    const mem = await startEmbeddedPostgres({ dataDir: 'memory://' });
    try {
      const rows = await query(mem.url, `SELECT to_regclass('notes') AS t, current_setting('server_version_num')::int AS v`);
      expect(rows[0].t).toBeNull();
      expect(rows[0].v).toBeGreaterThanOrEqual(150000);
    } finally {
      await mem.close();
    }
  });
});
