import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_SITES } from '../../support/builds';
import { runCli } from '../../support/cli-process';
import { startPlatformProcess, type PlatformProcess } from '../../support/platform-process';

jest.setTimeout(300_000);

/** Lists the uploaded source in the build log, then publishes index.html: the log proves what was uploaded. */
const LIST_SOURCE = "echo '--- source files:'; find . -type f -not -path './out/*' | sort; mkdir -p out && cp index.html out/";

/**
 * The built `deploysphere` binary against the built platform (embedded adapters, process
 * runner): a folder deployed with its ignored files provably not uploaded, the build followed
 * to READY, a rollback, a secret set from stdin, a failing build's exit code, the help texts.
 */
describe('deploysphere CLI against the embedded platform', () => {
  let platform: PlatformProcess;
  let token: string;
  let work: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    platform = await startPlatformProcess({ BUILD_RUNNER: 'process' });
    token = await platform.createTeamToken('CLI users');
    work = mkdtempSync(join(tmpdir(), 'deploysphere-cli-'));
    env = { XDG_CONFIG_HOME: join(work, 'config'), DEPLOYSPHERE_API_URL: platform.apiUrl, DEPLOYSPHERE_TOKEN: token, DEPLOYSPHERE_GATEWAY_URL: platform.gatewayUrl };
  }, 360_000);

  afterAll(async () => {
    await platform?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The static fixture site plus files that must never leave the machine or that ignore files exclude. */
  const fixtureFolder = (name: string): string => {
    const dir = join(work, name);
    cpSync(join(FIXTURE_SITES, 'static-site'), dir, { recursive: true });
    const files: Record<string, string> = {
      '.env': 'API_KEY=leaked',
      '.env.production': 'API_KEY=leaked',
      '.git/config': '[core]',
      'node_modules/left-pad/index.js': 'module.exports = 1',
      '.npmrc': '//registry.npmjs.org/:_authToken=leaked',
      '.ssh/id_ed25519': 'PRIVATE KEY',
      '.docker/config.json': '{"auths":{}}',
      '.gitignore': '*.log\n',
      'debug.log': 'ignored by .gitignore',
      '.deploysphereignore': 'drafts/\n',
      'drafts/next.html': 'ignored by .deploysphereignore',
      'sub/.gitignore': 'local.txt\n',
      'sub/local.txt': 'ignored by a nested .gitignore',
      'sub/kept.txt': 'uploaded',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  };

  const api = async (path: string) => (await fetch(`${platform.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<Record<string, unknown>>;

  it('login verifies the token and stores it with mode 0600; whoami and logout use it; a bad token exits 3', async () => {
    const loginEnv = { XDG_CONFIG_HOME: join(work, 'login-config') };
    const bad = await runCli(['login', '--api-url', platform.apiUrl, '--token', 'dsp_not_a_real_token'], { env: loginEnv });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('UNAUTHORIZED');

    const ok = await runCli(['login', '--api-url', platform.apiUrl, '--token', token, '--gateway-url', platform.gatewayUrl], { env: loginEnv });
    expect(ok).toMatchObject({ code: 0 });
    const file = join(work, 'login-config', 'deploysphere', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ apiUrl: platform.apiUrl, token, gatewayUrl: platform.gatewayUrl });

    const who = await runCli(['whoami', '--json'], { env: loginEnv });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ apiUrl: platform.apiUrl, token: { name: 'CLI users token', scopes: expect.arrayContaining(['read', 'write']) } });
    expect(who.stdout).not.toContain(token);

    expect((await runCli(['logout'], { env: loginEnv })).code).toBe(0);
    const after = await runCli(['whoami'], { env: loginEnv });
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('Not logged in');
  });

  it('deploys an unlinked folder without prompting, uploads no ignored file, follows the build to READY, and rolls back', async () => {
    const dir = fixtureFolder('cli-site');
    // The project named after the folder exists with a build command that lists the uploaded files.
    const created = await runCli(['projects', 'create', 'cli-site', '--build-command', LIST_SOURCE, '--output-dir', 'out', '--json'], { env });
    expect(created.code).toBe(0);
    const project = JSON.parse(created.stdout) as { id: string };

    const first = await runCli(['deploy', dir], { env });
    expect(first.stderr).toContain(`Linked ${dir} to cli-site (${project.id})`);
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, '.deploysphere', 'project.json'), 'utf8'))).toEqual({ projectId: project.id, name: 'cli-site' });
    const listed = first.stdout.slice(first.stdout.indexOf('--- source files:')).split('\n');
    const uploaded = listed.filter((l) => l.startsWith('./')).map((l) => l.slice(2)).sort();
    expect(uploaded).toEqual(['.deploysphereignore', '.gitignore', '404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html', 'sub/.gitignore', 'sub/kept.txt']);
    expect(first.stderr).toMatch(/✔ READY/);

    const ls = await runCli(['ls', '--json'], { env, cwd: dir });
    const [firstDeployment] = JSON.parse(ls.stdout) as Array<{ id: string; status: string }>;
    expect(firstDeployment.status).toBe('READY');

    const second = await runCli(['deploy', '--json'], { env, cwd: dir });
    expect(second.code).toBe(0);
    const secondDeployment = JSON.parse(second.stdout) as { id: string; status: string };
    expect(secondDeployment.status).toBe('READY');
    expect((await api(`/v1/projects/${project.id}`)).liveDeploymentId).toBe(secondDeployment.id);

    const rollback = await runCli(['rollback', '--json'], { env, cwd: dir });
    expect(rollback.code).toBe(0);
    expect(JSON.parse(rollback.stdout)).toMatchObject({ deploymentId: firstDeployment.id, previousDeploymentId: secondDeployment.id });
    expect((await api(`/v1/projects/${project.id}`)).liveDeploymentId).toBe(firstDeployment.id);

    const logs = await runCli(['logs', firstDeployment.id, '--json'], { env });
    const lines = logs.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; message: string });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.some((l) => l.message === './sub/kept.txt')).toBe(true);

    const inspect = await runCli(['inspect', secondDeployment.id, '--json'], { env });
    expect(JSON.parse(inspect.stdout)).toMatchObject({ id: secondDeployment.id, status: 'READY', projectId: project.id });
  });

  it('sets a secret from stdin (never echoed back), lists and removes it', async () => {
    const dir = fixtureFolder('cli-env');
    expect((await runCli(['link', '--dir', dir], { env })).code).toBe(0);
    const add = await runCli(['env', 'add', 'API_KEY', '--secret'], { env, cwd: dir, input: 's3cr3t-value\n' });
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout + add.stderr).not.toContain('s3cr3t-value');
    const onCommandLine = await runCli(['env', 'add', 'API_KEY', 'on-the-command-line', '--secret'], { env, cwd: dir });
    expect(onCommandLine.code).toBe(2);
    const ls = await runCli(['env', 'ls', '--json'], { env, cwd: dir });
    const vars = JSON.parse(ls.stdout) as Array<{ key: string; secret: boolean; value: string | null }>;
    expect(vars.filter((v) => v.key === 'API_KEY')).toHaveLength(2);
    for (const v of vars) expect(v).toMatchObject({ key: 'API_KEY', secret: true, value: null });
    expect(ls.stdout).not.toContain('s3cr3t-value');
    expect((await runCli(['env', 'rm', 'API_KEY'], { env, cwd: dir })).code).toBe(0);
    expect(JSON.parse((await runCli(['env', 'ls', '--json'], { env, cwd: dir })).stdout)).toEqual([]);
  });

  it('exits 5 on a failing build, 4 on an unknown deployment, 2 on bad usage, and prints the problem code', async () => {
    const dir = fixtureFolder('cli-broken');
    const created = await runCli(['projects', 'create', 'cli-broken', '--build-command', 'echo "the build broke" >&2; exit 3', '--json'], { env });
    expect(created.code).toBe(0);
    expect((await runCli(['link', 'cli-broken', '--dir', dir], { env })).code).toBe(0);
    const failed = await runCli(['deploy', '--preview'], { env, cwd: dir });
    expect(failed.code).toBe(5);
    expect(failed.stdout).toContain('the build broke');
    expect(failed.stdout).toMatch(/Build failed \(BUILD_FAILED\)/);

    const missing = await runCli(['inspect', 'dpl_00000000000000000000000000'], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/\(DEPLOYMENT_NOT_FOUND\)/);

    const unlinked = await runCli(['ls'], { env, cwd: work });
    expect(unlinked.code).toBe(2);
    expect((await runCli(['deploy', '--prod', '--preview', dir], { env })).code).toBe(2);
    expect((await runCli(['logs', 'x', '--type', 'sideways'], { env })).code).toBe(2);
  });

  it('documents every command, its options and the exit codes in --help', async () => {
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    for (const command of ['login', 'logout', 'whoami', 'projects', 'link', 'deploy', 'logs', 'ls', 'inspect', 'rollback', 'promote', 'cancel', 'env', 'domains']) {
      expect(root.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(root.stdout).toContain('Exit codes:');
    const expected: Record<string, string[]> = {
      'deploy': ['--prod', '--preview', '--no-follow', '--git-ref', '--json'],
      'logs': ['--follow', '--type', '--since', '--json'],
      'ls': ['--json'],
      'inspect': ['--json'],
      'rollback': ['--json'],
      'promote': ['--json'],
      'cancel': ['--json'],
      'whoami': ['--json'],
      'login': ['--gateway-url'],
      'logout': [],
      'link': ['--dir'],
      'projects': ['ls', 'create', 'rm'],
      'projects ls': ['--json'],
      'projects create': ['--json'],
      'projects rm': ['--yes'],
      'env': ['ls', 'add', 'rm'],
      'env ls': ['--json'],
      'env add': ['--secret', '--target'],
      'env rm': ['--target'],
      'domains': ['ls', 'add', 'verify', 'rm'],
      'domains ls': ['--json'],
      'domains add': ['--json'],
      'domains verify': ['--json'],
      'domains rm': [],
    };
    for (const [command, options] of Object.entries(expected)) {
      const help = await runCli([...command.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: deploysphere ${command}`);
      for (const option of options) expect(help.stdout).toContain(option);
    }
  });
});
