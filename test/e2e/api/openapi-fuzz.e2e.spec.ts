import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const ROOT = resolve(__dirname, '../../..');
/** Fixed so that a failure reproduces: `st run … --seed` with the same value replays it. */
const SEED = Number(process.env.SCHEMATHESIS_SEED ?? 20261207);
const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 6);

/** Runs in `cwd` (a scratch directory): schemathesis keeps a cache of past failures in its working directory. */
function st(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile('bash', [join(ROOT, 'scripts/schemathesis.sh'), 'st', ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env, NO_COLOR: '1', COLUMNS: '160' } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/**
 * schemathesis over /openapi.json, every check, the stateful phase on, against the embedded
 * platform (all apps in one process): every response the API sends is one its
 * document declares, and every input the document forbids is refused with a 4xx.
 */
describe('the OpenAPI document, fuzzed by schemathesis', () => {
  let platform: TestPlatform;
  let baseUrl: string;
  let token: string;
  let reportDir: string;

  beforeAll(async () => {
    // Builds paused: the fuzzer exercises the API, not the builder. PostgreSQL rather than PGlite:
    // the same code, and a run well within its time on a loaded machine.
    // The document states the hard ranges of the runtime settings; a platform's own maxima
    // (APP_MAX_*, answered 422 APP_LIMIT_EXCEEDED, as the field descriptions say) are the
    // operator's. The fuzzer checks the document, so this platform's maxima are its bounds.
    platform = await startTestPlatform('postgres', {
      BUILD_CONCURRENCY: '0',
      APP_MAX_CPUS: '64',
      APP_MAX_MEMORY_MB: '262144',
      APP_MAX_REPLICAS: '1000',
    });
    await platform.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(platform.app.getHttpServer().address() as AddressInfo).port}`;
    ({ token } = await createTeamWithToken(platform, 'Fuzz Team'));
    reportDir = mkdtempSync(join(tmpdir(), 'deploysphere-schemathesis-'));
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    if (reportDir) rmSync(reportDir, { recursive: true, force: true });
  });

  it('finds no failure with every check, including the stateful phase', async () => {
    const { code, output } = await st([
      '--config-file', join(__dirname, 'schemathesis.toml'),
      'run', `${baseUrl}/openapi.json`,
      // No `--checks all`: every check is on by default, and that flag would also override the
      // per-operation exemptions in schemathesis.toml (CLI options take precedence).
      '--phases', 'examples,coverage,fuzzing,stateful',
      '--seed', String(SEED),
      '--max-examples', String(MAX_EXAMPLES),
      '--workers', '1',
      '--request-timeout', '30',
      '--suppress-health-check', 'all',
      '--report', 'junit',
      '--report-junit-path', join(reportDir, 'junit.xml'),
    ], { DS_FUZZ_TEAM_TOKEN: token, DS_FUZZ_ADMIN_TOKEN: platform.adminToken }, reportDir);
    // The whole report on failure; on success its closing line (counts and duration).
    process.stdout.write(code === 0 ? `${output.trim().split('\n').pop()}\n` : `schemathesis report:\n${output}\n`);
    expect(code).toBe(0);
    // It never locked itself out (revokeToken is left out of the run: schemathesis.toml).
    await platform.as(token).get('/v1/projects').expect(200);
    expect(readFileSync(join(reportDir, 'junit.xml'), 'utf8')).toMatch(/<testsuite /);
  }, 600_000);
});
