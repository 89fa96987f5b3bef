import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io } from 'socket.io-client';
import { Client } from 'pg';
import { envVarAad, newId, SecretBox } from '@deploysphere/common';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { FIXTURE_SITES, tarGzDirectory } from '../../support/builds';
import { freePort } from '../../support/ports';

// Secret canaries of awkward shapes set on projects, builds that print them and a build whose
// runner refuses one (a NUL byte: Node's spawn quotes the value in its error). Then every place a
// value could surface is read — every API response, the build logs through the API and through
// the Socket.IO backlog, the stored failure messages and events, the log store, and everything
// the platform process printed — and none may hold any canary, or any piece of one.

jest.setTimeout(300_000);

const MAIN = resolve(__dirname, '../../../dist/apps/platform/src/main.js');
const rand = () => randomBytes(6).toString('hex');

/** Each canary carries markers no other text has; a marker anywhere is a leak. */
function canaries() {
  const m = { nul: [rand(), rand()], nl: [rand(), rand()], uni: rand(), long: rand(), huge: [rand(), rand()], sub: rand(), ext: rand() };
  const values = {
    NUL_SECRET: `nul-canary-${m.nul[0]}\u0000tail-${m.nul[1]}`,
    NEWLINE_SECRET: `nl-canary-${m.nl[0]}\nsecond-line-${m.nl[1]}`,
    UNICODE_SECRET: `ünï-cødé-${m.uni}-🔑-秘密-"quoted"`,
    LONG_SECRET: `long-${m.long}-${'x'.repeat(12_000)}-end`,
    // Longer than one log message (16 KiB): the line holding it is cut, never the secret.
    HUGE_SECRET: `huge-${m.huge[0]}-${'h'.repeat(20_000)}-${m.huge[1]}`,
    SHORT_SECRET: `sub-${m.sub}`,
    // Contains the one above: masked whole, never as "***-extended-…".
    EXTENDED_SECRET: `sub-${m.sub}-extended-${m.ext}`,
  };
  return { values, markers: [...m.nul, ...m.nl, m.uni, m.long, ...m.huge, m.sub, m.ext] };
}

interface Platform {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

describe('secret canaries never appear in clear', () => {
  let dataDir: string;
  let db: TestDatabase;
  let platform: Platform;
  let api: string;
  let gatewayUrl: string;
  let adminToken: string;
  let encryptionKey: string;
  const responses: string[] = [];

  async function call(method: string, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    const text = await res.text();
    responses.push(text);
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (scripts/test.sh does)`);
    dataDir = mkdtempSync(join(tmpdir(), 'deploysphere-canaries-'));
    db = await createTestDatabase('postgres', { migrate: false });
    const ports = { api: await freePort(), gateway: await freePort(), edge: await freePort() };
    adminToken = `admin_${randomBytes(24).toString('hex')}`;
    encryptionKey = randomBytes(32).toString('base64');
    const env = {
      PATH: process.env.PATH ?? '',
      DEPLOYSPHERE_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      DATABASE_MIGRATE_ON_START: 'true',
      DEPLOYSPHERE_ADMIN_TOKEN: adminToken,
      DEPLOYSPHERE_ENCRYPTION_KEY: encryptionKey,
      API_PORT: String(ports.api),
      GATEWAY_PORT: String(ports.gateway),
      EDGE_PORT: String(ports.edge),
      BIND_HOST: '127.0.0.1',
      BUILD_RUNNER: 'process',
      // Everything the platform says, to be searched.
      LOG_LEVEL: 'debug',
    };
    let out = '';
    const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    platform = { child, output: () => out, exited: new Promise((r) => child.on('exit', r)) };
    api = `http://127.0.0.1:${ports.api}`;
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`${api}/readyz`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null) throw new Error(`platform exited:\n${out}`);
      if (Date.now() > deadline) throw new Error(`platform not ready:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);

  afterAll(async () => {
    if (platform?.child.exitCode === null) {
      platform.child.kill('SIGTERM');
      await platform.exited;
    }
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('in no API response, build log (API and Socket.IO), stored failure message, event or platform log line', async () => {
    const { values, markers } = canaries();
    const team = await call('POST', '/v1/teams', adminToken, { name: 'Canaries' });
    const token = (await call('POST', `/v1/teams/${team.json.id}/tokens`, adminToken, { name: 'canary token' })).json.token as string;
    const site = await tarGzDirectory(join(FIXTURE_SITES, 'static-site'));

    // A build that prints every secret (the newline one as two lines) and fails quoting one.
    const printing = (await call('POST', '/v1/projects', token, {
      name: 'Printer',
      buildCommand:
        'echo "newline=$NEWLINE_SECRET"; echo "unicode=$UNICODE_SECRET"; echo "long=$LONG_SECRET"; ' +
        'echo "short=$SHORT_SECRET ext=$EXTENDED_SECRET"; printf "%s" "$EXTENDED_SECRET" | od -c | head -2; ' +
        // A secret longer than a log message, and one where a 16 KiB cut of its line falls.
        'echo "huge=$HUGE_SECRET"; printf "%16375s%s\\n" "" "$EXTENDED_SECRET"; ' +
        'echo "error: token $EXTENDED_SECRET was refused" >&2; exit 1',
    })).json.id as string;
    // A project whose env holds a NUL byte: no process environment can carry it.
    const refused = (await call('POST', '/v1/projects', token, { name: 'Refused', buildCommand: 'echo never' })).json.id as string;
    // The runner's own lines about a failing step: bash quoting the command it could not run,
    // the builder's failure summary, the orchestrator's "Build failed" notice.
    const installing = (await call('POST', '/v1/projects', token, { name: 'Installer', installCommand: '"$EXTENDED_SECRET" install --token "$SHORT_SECRET"' })).json.id as string;

    for (const project of [printing, refused, installing]) {
      for (const [key, value] of Object.entries(values)) {
        if (key === 'NUL_SECRET') continue;
        expect((await call('POST', `/v1/projects/${project}/env`, token, { key, value, secret: true })).status).toBe(200);
      }
    }
    // Refused at input (422) or accepted: either way the answer does not echo it. If the API keeps
    // it out, it is stored directly, as a value that reached the database some other way.
    const nul = await call('POST', `/v1/projects/${refused}/env`, token, { key: 'NUL_SECRET', value: values.NUL_SECRET, secret: true, targets: ['PREVIEW'] });
    if (nul.status !== 200) {
      expect(nul.status).toBe(422);
      await storeEnvVarDirectly(db.url, encryptionKey, refused, 'NUL_SECRET', values.NUL_SECRET);
    }
    await call('GET', `/v1/projects/${printing}/env`, token);
    await call('GET', `/v1/projects/${refused}/env`, token);

    const deployments: string[] = [];
    for (const project of [printing, refused, installing]) {
      const res = await call('POST', `/v1/projects/${project}/deployments?target=PREVIEW`, token, site, 'application/gzip');
      expect(res.status).toBe(202);
      deployments.push(res.json.id);
    }
    const final: Record<string, { status: string; failureCode: string; failureMessage: string }> = {};
    for (const id of deployments) {
      for (;;) {
        const d = (await call('GET', `/v1/deployments/${id}`, token)).json;
        if (['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'].includes(d.status)) {
          final[id] = d;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(final[deployments[0]]).toMatchObject({ status: 'FAILED', failureCode: 'BUILD_FAILED' });
    expect(final[deployments[1]]).toMatchObject({ status: 'FAILED', failureCode: 'RUNNER_ERROR' });
    // The runner's own error is kept, with the value masked.
    expect(final[deployments[1]].failureMessage).toContain('NUL_SECRET');
    expect(final[deployments[1]].failureMessage).toContain('***');
    expect(final[deployments[2]]).toMatchObject({ status: 'FAILED', failureCode: 'INSTALL_FAILED' });

    // The logs through the API, and the Socket.IO backlog.
    const apiLogs: string[] = [];
    for (const id of deployments) {
      const page = await call('GET', `/v1/deployments/${id}/logs?limit=1000`, token);
      apiLogs.push(...page.json.items.map((l: { message: string }) => l.message));
      await call('GET', `/v1/deployments/${id}`, token);
    }
    await call('GET', `/v1/deployments?projectId=${printing}`, token);
    expect(apiLogs).toEqual(expect.arrayContaining(['newline=***', '***', 'unicode=***', 'long=***', 'short=*** ext=***', 'error: token *** was refused']));
    expect(apiLogs).toEqual(expect.arrayContaining(['huge=', ' '.repeat(16_375)]));
    expect(apiLogs).toEqual(expect.arrayContaining(['bash: line 1: ***: command not found', 'Build failed: Installing dependencies failed (INSTALL_FAILED)']));
    const socketLines = await backlogOverSocket(gatewayUrl, token, deployments);
    expect(socketLines).toEqual(expect.arrayContaining(['error: token *** was refused']));

    // What the database holds: failure messages, events, stored log lines.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const stored = [
      ...(await pg.query(`SELECT failure_message AS t FROM deployments`)).rows,
      ...(await pg.query(`SELECT payload::text AS t FROM outbox_messages`)).rows,
      ...(await pg.query(`SELECT message AS t FROM build_log_lines`)).rows,
    ].map((r: { t: string | null }) => r.t ?? '');
    await pg.end();
    expect(stored.length).toBeGreaterThan(10);

    const places: Record<string, string[]> = { 'API responses': responses, 'Socket.IO backlog': socketLines, database: stored, 'platform output': [platform.output()] };
    for (const [place, texts] of Object.entries(places)) {
      for (const marker of markers) {
        const leaking = texts.find((t) => t.includes(marker));
        expect({ place, marker, leaking: leaking?.slice(0, 300) }).toEqual({ place, marker, leaking: undefined });
      }
    }
  });

  it('no password, session, CSRF, invitation or token secret in a platform log line, and no password in a response', async () => {
    const mark = () => `canary-${rand()}`;
    const passwords = { owner: `pw-${mark()}`, invitee: `pw-${mark()}`, wrong: `pw-${mark()}` };
    const bodies: string[] = [];
    const cookies = new Map<string, string>();
    const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: {
          ...(cookies.size ? { Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...(cookies.has('ds_csrf') && method !== 'GET' ? { 'X-CSRF-Token': cookies.get('ds_csrf')! } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      for (const line of res.headers.getSetCookie()) {
        const [name, value] = line.split(';')[0].split('=');
        if (value) cookies.set(name, value);
      }
      const text = await res.text();
      bodies.push(text);
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };

    expect((await send('POST', '/v1/auth/setup', { email: 'owner@canary.test', password: passwords.owner, name: 'Owner', teamName: 'Canary Team' }, { Authorization: `Bearer ${adminToken}` })).status).toBe(201);
    const secrets = [cookies.get('ds_session')!, cookies.get('ds_csrf')!];
    expect((await send('GET', '/v1/auth/me')).status).toBe(200);
    const invitation = await send('POST', '/v1/team/invitations', { email: 'invitee@canary.test', role: 'viewer' });
    const invitationToken = String(invitation.json.url).split('/').pop()!;
    const teamToken = (await send('POST', '/v1/team/tokens', { name: 'canary ci', role: 'member' })).json.token as string;
    expect((await send('POST', '/v1/auth/sign-out')).status).toBe(204);
    cookies.clear();
    expect((await send('GET', `/v1/auth/invitations/${invitationToken}`)).status).toBe(200);
    expect((await send('POST', `/v1/auth/invitations/${invitationToken}/accept`, { name: 'Invitee', password: passwords.invitee })).status).toBe(200);
    secrets.push(cookies.get('ds_session')!, cookies.get('ds_csrf')!);
    cookies.clear();
    expect((await send('POST', '/v1/auth/sign-in', { email: 'owner@canary.test', password: passwords.wrong })).status).toBe(401);
    expect((await send('POST', '/v1/auth/sign-in', { email: 'owner@canary.test', password: passwords.owner })).status).toBe(200);
    secrets.push(cookies.get('ds_session')!, cookies.get('ds_csrf')!);
    expect((await send('GET', '/v1/projects', undefined, { Authorization: `Bearer ${teamToken}` })).status).toBe(200);
    // A request the platform logs at warn or above: its line must not carry the session either.
    expect((await send('POST', '/v1/projects', { name: 'x' }, { 'X-CSRF-Token': 'forged' })).status).toBe(403);

    const output = platform.output();
    for (const secret of [...Object.values(passwords), ...secrets, invitationToken, teamToken]) {
      expect({ secret: secret.slice(0, 12), inOutput: output.includes(secret) }).toEqual({ secret: secret.slice(0, 12), inOutput: false });
    }
    for (const password of Object.values(passwords)) expect(bodies.some((b) => b.includes(password))).toBe(false);
    // The request lines are there, with the invitation token cut out of their paths.
    expect(output).toContain('/v1/auth/invitations/[redacted]');
  });
});

/** Seals the value as the API would and inserts it (the platform and the test share the database and key). */
async function storeEnvVarDirectly(url: string, encryptionKey: string, projectId: string, key: string, value: string): Promise<void> {
  const box = new SecretBox(Buffer.from(encryptionKey, 'base64'));
  const pg = new Client({ connectionString: url });
  await pg.connect();
  try {
    await pg.query(`INSERT INTO env_vars (id, project_id, key, target, value, secret, updated_at) VALUES ($1, $2, $3, 'PREVIEW', $4, true, now())`, [
      newId('env'),
      projectId,
      key,
      box.seal(value, envVarAad(projectId, key, 'PREVIEW')),
    ]);
  } finally {
    await pg.end();
  }
}

/** Every line of each deployment's log as a Socket.IO client gets it from the start (fromSeq 0). */
async function backlogOverSocket(url: string, token: string, deployments: string[]): Promise<string[]> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const lines: string[] = [];
  const ended = new Set<string>();
  socket.on('logs:lines', (p: { lines: { message: string }[] }) => lines.push(...p.lines.map((l) => l.message)));
  socket.on('logs:end', (p: { deploymentId: string }) => ended.add(p.deploymentId));
  try {
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('connect_error', rej);
    });
    for (const deploymentId of deployments) expect(await socket.emitWithAck('logs:subscribe', { deploymentId, fromSeq: 0 })).toMatchObject({ ok: true });
    const deadline = Date.now() + 30_000;
    while (ended.size < deployments.length) {
      if (Date.now() > deadline) throw new Error('the log backlog did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    socket.close();
  }
  return lines;
}
