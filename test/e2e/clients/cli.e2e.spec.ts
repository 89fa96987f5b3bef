import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackNameServer } from '../../../apps/api/test-support/loopback-name-server';
import { FIXTURE_SITES } from '../../support/builds';
import { runCli, startCli } from '../../support/cli-process';
import { createRepository, startGitDaemon, type GitDaemon, type TestRepository } from '../../support/git-servers';
import { startPlatformProcess, type PlatformProcess } from '../../support/platform-process';
import { getSite, siteWhenServed } from '../../support/site-urls';

jest.setTimeout(300_000);

/** Lists the uploaded source in the build log, then publishes index.html: the log proves what was uploaded. */
const LIST_SOURCE = "echo '--- source files:'; find . -type f -not -path './out/*' | sort; mkdir -p out && cp index.html out/";
/** A build that says it started, then runs until it is canceled. */
const SLOW_BUILD = 'echo "slow build started"; sleep 600';
const INDEX_HTML = readFileSync(join(FIXTURE_SITES, 'static-site', 'index.html'), 'utf8');

/** Polls (bounded) until `probe` holds. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
  const nameServer = new LoopbackNameServer();
  let repo: TestRepository;
  let daemon: GitDaemon;

  beforeAll(async () => {
    await nameServer.start();
    repo = createRepository('cli-git');
    repo.commit({ 'index.html': '<p>main</p>\n' }, 'main');
    repo.commit({ 'index.html': '<p>feature</p>\n' }, 'feature', { branch: 'feature' });
    daemon = await startGitDaemon(repo.base);
    platform = await startPlatformProcess({ BUILD_RUNNER: 'process', DNS_RESOLVERS: `127.0.0.1:${nameServer.port}` });
    token = await platform.createTeamToken('CLI users');
    work = mkdtempSync(join(tmpdir(), 'deploysphere-cli-'));
    env = { XDG_CONFIG_HOME: join(work, 'config'), DEPLOYSPHERE_API_URL: platform.apiUrl, DEPLOYSPHERE_TOKEN: token, DEPLOYSPHERE_GATEWAY_URL: platform.gatewayUrl };
  }, 360_000);

  afterAll(async () => {
    await platform?.stop();
    await daemon?.close();
    repo?.close();
    await nameServer.stop();
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
  const statusOf = async (deploymentId: string) => (await api(`/v1/deployments/${deploymentId}`)).status;
  /** A folder of the static site linked to a new project with these build settings. */
  const linkedFolder = async (name: string, createArgs: string[] = []): Promise<{ dir: string; projectId: string }> => {
    const dir = fixtureFolder(name);
    const created = await runCli(['projects', 'create', name, ...createArgs, '--json'], { env });
    expect(created.code).toBe(0);
    expect((await runCli(['link', name, '--dir', dir], { env })).code).toBe(0);
    return { dir, projectId: (JSON.parse(created.stdout) as { id: string }).id };
  };

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
    const [firstDeployment] = JSON.parse(ls.stdout) as Array<{ id: string; status: string; url: string }>;
    expect(firstDeployment.status).toBe('READY');
    // The URLs the API returned, printed last, and each serves the deployment through the edge.
    const previewUrl = `http://${firstDeployment.id.slice('dpl_'.length)}-cli-site.localhost:${platform.edgePort}`;
    const productionUrl = `http://cli-site.localhost:${platform.edgePort}`;
    expect(firstDeployment.url).toBe(previewUrl);
    expect(first.stdout.endsWith(`\nPreview:    ${previewUrl}\nProduction: ${productionUrl}\n`)).toBe(true);
    expect(await siteWhenServed(previewUrl)).toEqual({ status: 200, body: INDEX_HTML });
    expect(await siteWhenServed(productionUrl)).toEqual({ status: 200, body: INDEX_HTML });

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

  it('deploys git refs with --git-ref, promotes a preview to production, and prints where each is served', async () => {
    const { dir, projectId } = await linkedFolder('cli-git', ['--git-url', daemon.url('cli-git')]);
    const main = await runCli(['deploy', '--git-ref', 'main', '--json'], { env, cwd: dir });
    expect(main.code).toBe(0);
    const production = JSON.parse(main.stdout) as { id: string; url: string };
    expect(production).toMatchObject({ status: 'READY', source: 'GIT', gitRef: 'main', target: 'PRODUCTION', projectId });

    const feature = await runCli(['deploy', '--git-ref', 'feature', '--preview'], { env, cwd: dir });
    expect(feature.code).toBe(0);
    const previewUrl = /\nPreview: +(\S+)\n$/.exec(feature.stdout)?.[1];
    expect(feature.stdout).not.toContain('Production:');
    const [preview] = JSON.parse((await runCli(['ls', '--json'], { env, cwd: dir })).stdout) as Array<{ id: string; url: string; gitRef: string; target: string }>;
    expect(preview).toMatchObject({ url: previewUrl, gitRef: 'feature', target: 'PREVIEW' });
    const productionUrl = `http://cli-git.localhost:${platform.edgePort}`;
    expect(await siteWhenServed(preview.url)).toEqual({ status: 200, body: '<p>feature</p>\n' });
    expect(await siteWhenServed(production.url)).toEqual({ status: 200, body: '<p>main</p>\n' });
    expect(await siteWhenServed(productionUrl)).toEqual({ status: 200, body: '<p>main</p>\n' });

    const promoted = await runCli(['promote', preview.id], { env });
    expect(promoted).toMatchObject({ code: 0, stdout: `✔ Production now serves ${preview.id} at ${productionUrl}\n` });
    expect((await api(`/v1/projects/${projectId}`)).liveDeploymentId).toBe(preview.id);
    await until('production to serve the promoted preview', async () => (await getSite(productionUrl)).body === '<p>feature</p>\n');

    const again = await runCli(['promote', production.id, '--json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ projectId, deploymentId: production.id, previousDeploymentId: preview.id });
    const missing = await runCli(['deploy', '--git-ref', 'no-such-branch', '--json'], { env, cwd: dir });
    expect(missing.code).toBe(5);
  });

  it('Ctrl-C without a terminal leaves the build running (130) or, with --cancel-on-interrupt, cancels it (6); `cancel` stops a running build', async () => {
    const { dir } = await linkedFolder('cli-slow', ['--build-command', SLOW_BUILD]);
    const left = startCli(['deploy'], { env, cwd: dir });
    await left.waitFor(/slow build started/);
    left.kill('SIGINT');
    const leftResult = await left.done;
    expect(leftResult.code).toBe(130);
    const leftId = /Queued (dpl_\w+)/.exec(leftResult.stderr)![1];
    expect(leftResult.stderr).toContain(`The build goes on: deploysphere logs -f ${leftId}`);
    expect(await statusOf(leftId)).toBe('BUILDING');

    const cancel = await runCli(['cancel', leftId, '--json'], { env });
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout)).toMatchObject({ id: leftId, cancelRequestedAt: expect.any(String) });
    await until('the canceled build to stop', async () => (await statusOf(leftId)) === 'CANCELED');
    // Canceling again is harmless.
    expect(await runCli(['cancel', leftId], { env })).toMatchObject({ code: 0, stdout: `Cancel requested for ${leftId} (CANCELED)\n` });

    const canceled = startCli(['deploy', '--cancel-on-interrupt'], { env, cwd: dir });
    await canceled.waitFor(/slow build started/);
    canceled.kill('SIGINT');
    const canceledResult = await canceled.done;
    expect(canceledResult.code).toBe(6);
    const canceledId = /Queued (dpl_\w+)/.exec(canceledResult.stderr)![1];
    expect(canceledResult.stderr).toContain(`Canceling ${canceledId}`);
    expect(canceledResult.stderr).toContain('✖ CANCELED');
    expect(await statusOf(canceledId)).toBe('CANCELED');
  });

  it('Ctrl-C on a terminal asks whether to cancel the build; yes cancels it and exits 6', async () => {
    const { dir } = await linkedFolder('cli-tty', ['--build-command', SLOW_BUILD]);
    const run = startCli(['deploy'], { env: { ...env, NO_COLOR: '1' }, cwd: dir, terminal: true });
    await run.waitFor(/slow build started/);
    run.write('\x03');
    await run.waitFor(/Cancel the build\?/);
    run.write('y\r');
    const result = await run.done;
    expect(result.code).toBe(6);
    const id = /Queued (dpl_\w+)/.exec(result.stdout)![1];
    expect(result.stdout).toContain(`Canceling ${id}`);
    expect(await statusOf(id)).toBe('CANCELED');
  });

  it('domains add prints the TXT record, verify checks it (failing first), the verified domain serves production, rm removes it', async () => {
    const { dir, projectId } = await linkedFolder('cli-domains');
    expect((await runCli(['deploy'], { env, cwd: dir })).code).toBe(0);
    const host = 'www.cli-domains.test';
    const add = await runCli(['domains', 'add', host], { env, cwd: dir });
    expect(add.code).toBe(0);
    const record = /TXT {2}(_deploysphere\.www\.cli-domains\.test) {2}"(deploysphere-verify=[0-9a-f]+)"/.exec(add.stdout);
    expect(record).not.toBeNull();

    const early = await runCli(['domains', 'verify', host], { env, cwd: dir });
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('(DOMAIN_VERIFICATION_FAILED)');
    expect(nameServer.questions).toContain(record![1]);

    nameServer.zone.set(record![1], [[record![2]]]);
    const domainUrl = `http://${host}:${platform.edgePort}`;
    const verified = await runCli(['domains', 'verify', host], { env, cwd: dir });
    expect(verified).toMatchObject({ code: 0, stdout: `✔ ${host} is verified: ${domainUrl} serves production\n` });
    expect(JSON.parse((await runCli(['domains', 'ls', '--json'], { env, cwd: dir })).stdout)).toEqual([expect.objectContaining({ hostname: host, verified: true })]);
    expect((await api(`/v1/projects/${projectId}`)).domainUrls).toEqual([domainUrl]);
    expect(await siteWhenServed(domainUrl)).toEqual({ status: 200, body: INDEX_HTML });

    const rm = await runCli(['domains', 'rm', host], { env, cwd: dir });
    expect(rm).toMatchObject({ code: 0, stdout: `Removed ${host}\n` });
    expect(JSON.parse((await runCli(['domains', 'ls', '--json'], { env, cwd: dir })).stdout)).toEqual([]);
    expect((await api(`/v1/projects/${projectId}`)).domainUrls).toEqual([]);
    expect((await runCli(['domains', 'verify', host], { env, cwd: dir })).code).toBe(4);
  });

  it('logs --type access shows the traffic analytics of the deployment\'s project; --type runtime is refused for a static deployment', async () => {
    const [deployment] = JSON.parse((await runCli(['ls', '--json'], { env, cwd: join(work, 'cli-domains') })).stdout) as Array<{ id: string; projectId: string }>;
    // The domain test above fetched the site through the edge: the access log counts it once flushed.
    let analytics: { projectId: string; totals: { requests: number; statusClasses: Record<string, number> } } | undefined;
    await until('the access log to reach the analytics', async () => {
      const run = await runCli(['logs', deployment.id, '--type', 'access', '--since', '1h', '--json'], { env });
      expect(run.code).toBe(0);
      analytics = JSON.parse(run.stdout);
      return analytics!.totals.requests > 0;
    });
    expect(analytics).toMatchObject({ projectId: deployment.projectId, interval: '1m' });
    expect(analytics!.totals.statusClasses['2xx']).toBeGreaterThan(0);
    const text = await runCli(['logs', deployment.id, '--type', 'access', '--since', '1h'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Traffic of project ${deployment.projectId} (every deployment)`);
    expect(text.stdout).toMatch(/^Total: \d+ requests, \d+ bytes; 2xx [1-9]/m);

    const runtime = await runCli(['logs', deployment.id, '--type', 'runtime'], { env });
    expect(runtime.code).toBe(2);
    expect(runtime.stderr).toContain('Runtime logs are not available for static deployments');
    expect((await runCli(['logs', 'dpl_00000000000000000000000000', '--type', 'runtime'], { env })).code).toBe(4);
    expect((await runCli(['logs', deployment.id, '--type', 'access', '--follow'], { env })).code).toBe(2);
  });

  it('documents every command, its options and the exit codes in --help', async () => {
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    for (const command of ['login', 'logout', 'whoami', 'projects', 'link', 'deploy', 'logs', 'ls', 'inspect', 'rollback', 'promote', 'cancel', 'env', 'domains']) {
      expect(root.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(root.stdout).toContain('Exit codes:');
    const expected: Record<string, string[]> = {
      'deploy': ['--prod', '--preview', '--no-follow', '--git-ref', '--json', '--cancel-on-interrupt'],
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
      'projects create': ['--json', '--git-url'],
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
