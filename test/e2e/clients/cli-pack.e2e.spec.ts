import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE_SITES, REPO_ROOT } from '../../support/builds';
import { startPlatformProcess, type PlatformProcess } from '../../support/platform-process';
import { siteWhenServed } from '../../support/site-urls';

jest.setTimeout(600_000);

const run = promisify(execFile);

/**
 * What a user outside this repository gets: `npm pack` of the SDK and the CLI, both tarballs
 * installed into an empty directory, and the installed `deploysphere` used from there.
 */
describe('the packed SDK and CLI, installed elsewhere', () => {
  let platform: PlatformProcess;
  let dir: string;
  // This Node first on PATH: the bin's `#!/usr/bin/env node` and npm's scripts run on it.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deploysphere-pack-'));
    platform = await startPlatformProcess({ BUILD_RUNNER: 'process' });
  }, 360_000);

  afterAll(async () => {
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('npm pack makes installable tarballs; the installed deploysphere prints its help and deploys a folder to its URLs', async () => {
    const packed = await run('npm', ['pack', '-w', '@deploysphere/sdk', '-w', '@deploysphere/cli', '--pack-destination', dir, '--json'], { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    const tarballs = JSON.parse(packed.stdout) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
    const byName = new Map(tarballs.map((t) => [t.name, t]));
    const sdk = byName.get('@deploysphere/sdk')!;
    const cli = byName.get('@deploysphere/cli')!;
    expect(sdk.files.map((f) => f.path)).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/generated/schema.d.ts']));
    expect(cli.files.map((f) => f.path)).toEqual(expect.arrayContaining(['package.json', 'bin/deploysphere.js', 'dist/main.js']));
    for (const t of tarballs) expect(t.files.filter((f) => f.path.startsWith('src/') || f.path.endsWith('.spec.js'))).toEqual([]);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'uses-deploysphere', version: '1.0.0', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, sdk.filename), join(dir, cli.filename)], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
    const installed = join(app, 'node_modules');
    // The installed CLI runs on the installed SDK, not on this repository's.
    const resolved = await run(process.execPath, ['-p', "require.resolve('@deploysphere/sdk')"], { cwd: join(installed, '@deploysphere/cli'), env });
    expect(realpathSync(resolved.stdout.trim())).toBe(realpathSync(join(installed, '@deploysphere/sdk/dist/index.js')));
    expect(JSON.parse(readFileSync(join(installed, '@deploysphere/cli/package.json'), 'utf8')).bin).toEqual({ deploysphere: 'bin/deploysphere.js' });

    const bin = join(installed, '.bin', 'deploysphere');
    const help = await run(bin, ['--help'], { cwd: app, env });
    expect(help.stdout).toMatch(/^Usage: deploysphere \[options\] \[command\]/);
    expect(help.stdout).toContain('Exit codes:');

    const site = join(dir, 'packed-site');
    cpSync(join(FIXTURE_SITES, 'static-site'), site, { recursive: true });
    const token = await platform.createTeamToken('Packed CLI users');
    const cliEnv = { ...env, XDG_CONFIG_HOME: join(dir, 'config'), DEPLOYSPHERE_API_URL: platform.apiUrl, DEPLOYSPHERE_TOKEN: token, DEPLOYSPHERE_GATEWAY_URL: platform.gatewayUrl };
    const deployed = await run(bin, ['deploy', site], { cwd: app, env: cliEnv, maxBuffer: 16 * 1024 * 1024 });
    expect(deployed.stderr).toContain('✔ READY');
    const production = /\nProduction: (\S+)\n$/.exec(deployed.stdout)?.[1];
    expect(production).toBe(`http://packed-site.localhost:${platform.edgePort}`);
    const preview = /\nPreview: +(\S+)\n/.exec(deployed.stdout)?.[1];
    const index = readFileSync(join(FIXTURE_SITES, 'static-site', 'index.html'), 'utf8');
    expect(await siteWhenServed(preview!)).toEqual({ status: 200, body: index });
    expect(await siteWhenServed(production!)).toEqual({ status: 200, body: index });
  });
});
