import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NEVER_UPLOADED } from '@deploysphere/sdk';
import { FIXTURE_SITES, REPO_ROOT } from '../../support/builds';
import { startPlatformProcess, type PlatformProcess } from '../../support/platform-process';

jest.setTimeout(600_000);

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts/sdk-python.sh');

/**
 * The Python SDK: its generated code is what openapi-python-client makes of the committed
 * openapi.json, and it drives the built platform end to end (packages/sdk-python/tests/e2e_check.py).
 */
describe('the Python SDK', () => {
  let platform: PlatformProcess;

  beforeAll(async () => {
    platform = await startPlatformProcess({ BUILD_RUNNER: 'process' });
  }, 360_000);
  afterAll(() => platform?.stop());

  it('is generated from openapi.json (scripts/sdk-python.sh check)', async () => {
    const { stdout } = await run('bash', [SCRIPT, 'check'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain('up to date');
  });

  it('never uploads the same names as the TypeScript SDK', () => {
    const python = readFileSync(join(REPO_ROOT, 'packages/sdk-python/deploysphere_sdk/ignore_rules.py'), 'utf8');
    const list = /NEVER_UPLOADED = \[([^\]]*)\]/.exec(python)![1];
    expect([...list.matchAll(/"([^"]+)"/g)].map((m) => m[1])).toEqual([...NEVER_UPLOADED]);
  });

  it('creates a project, uploads, follows the live log to READY, reads the log page by page; 404 and 422 raise DeploySphereError', async () => {
    const token = await platform.createTeamToken('Python users');
    const { stdout } = await run('bash', [SCRIPT, 'test'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DEPLOYSPHERE_API_URL: platform.apiUrl,
        DEPLOYSPHERE_TOKEN: token,
        DEPLOYSPHERE_GATEWAY_URL: platform.gatewayUrl,
        FIXTURE_SITE: join(FIXTURE_SITES, 'static-site'),
        EXPECTED_LINES: '250',
        BUILD_COMMAND: 'for i in $(seq 1 250); do echo "step $i of 250"; done; mkdir -p out && cp index.html out/',
      },
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`python e2e failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    expect(stdout).toContain('python sdk: ok');
  });
});
