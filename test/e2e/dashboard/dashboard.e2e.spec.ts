import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, launchChromium, recordErrors, reportDir, type Chromium } from '../../support/chromium';
import { startPlatformProcess, type PlatformProcess } from '../../support/platform-process';

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against the
 * platform as `npm start` runs it (embedded adapters, the process build runner): first owner,
 * invitation, folder drop, live build log, READY, the site, rollback, a write-only secret, a
 * viewer's limits, accessibility. Screenshots go to the test report folder (dashboard/).
 */
describe('dashboard (browser)', () => {
  const LONG = 300_000;
  const shots = reportDir('dashboard');
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const secretValue = `sk_canary_${randomBytes(12).toString('hex')}`;
  let platform: PlatformProcess;
  let owner: Chromium;
  let viewer: Chromium;
  let page: Page;
  let ownerErrors: string[];
  let viewerPage: Page;
  let viewerErrors: string[];
  let work: string;
  let site: string;
  let gate: string;
  let inviteUrl: string;
  let projectId: string;
  let first: string;
  const bodies: string[] = [];

  const url = (path: string) => `${platform.apiUrl}${path}`;
  const shot = (p: Page, name: string) => p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const heading = (p: Page, text: string | RegExp) => p.getByRole('heading', { level: 1, name: text }).waitFor({ timeout: 60_000 });
  const status = (p: Page, s: string, timeout = 60_000) => p.locator(`h1 [data-status="${s}"]`).waitFor({ timeout });
  /** Reloads `target` until its text contains `text` (the edge moves an alias through an event). */
  const siteShows = async (p: Page, target: string, text: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await p.goto(target);
      if (response?.ok() && (await p.content()).includes(text)) return;
      if (Date.now() > deadline) throw new Error(`${target} never showed "${text}"; last: ${response?.status()} ${await p.content()}`);
      await p.waitForTimeout(250);
    }
  };
  const writeSite = (version: string) => {
    writeFileSync(join(site, 'index.html'), `<!doctype html><html lang="en"><head><title>Fixture</title></head><body><h1>${version}</h1></body></html>`);
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
    gate = join(work, 'gate');
    site = join(work, 'fixture-site');
    mkdirSync(site);
    writeSite('version 1');
    writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'fixture-site', private: true, scripts: { build: 'node build.js' } }));
    // The build prints coloured lines, says whether the ignored files arrived, then waits for the
    // test's go (a file: the process runner builds on this machine), so the log is seen mid-build.
    writeFileSync(
      join(site, 'build.js'),
      `const fs = require('fs');
console.log('\\u001b[32mcompiling\\u001b[0m the site');
for (let i = 1; i <= 20; i++) console.log('step ' + i + ' of 20');
console.log('uploaded .env: ' + fs.existsSync('.env') + ', uploaded notes.txt: ' + fs.existsSync('notes.txt'));
console.log('waiting for the gate');
const deadline = Date.now() + 240000;
(function wait() {
  if (!fs.existsSync(${JSON.stringify(gate)}) && Date.now() < deadline) return setTimeout(wait, 100);
  fs.mkdirSync('dist', { recursive: true });
  fs.copyFileSync('index.html', 'dist/index.html');
  console.log('\\u001b[1mbuilt\\u001b[0m');
})();
`,
    );
    writeFileSync(join(site, '.env'), `SECRET=${secretValue}\n`);
    writeFileSync(join(site, '.gitignore'), 'notes.txt\n');
    writeFileSync(join(site, 'notes.txt'), 'private notes\n');
    platform = await startPlatformProcess({ BUILD_RUNNER: 'process' });
    owner = await launchChromium();
    viewer = await launchChromium();
    page = await owner.context.newPage();
    ownerErrors = recordErrors(page);
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/v1/')) void r.text().then((t) => bodies.push(t), () => undefined);
    });
    viewerPage = await viewer.context.newPage();
    viewerErrors = recordErrors(viewerPage);
  }, LONG);

  afterAll(async () => {
    await owner?.close();
    await viewer?.close();
    await platform?.stop();
    rmSync(work, { recursive: true, force: true });
  }, LONG);

  it('the one-time setup link creates the first owner and signs them in', async () => {
    const deadline = Date.now() + 60_000;
    let token: string | undefined;
    while (!(token = /\/setup#token=([A-Za-z0-9_-]+)/.exec(platform.output())?.[1])) {
      if (Date.now() > deadline) throw new Error(`no setup link printed:\n${platform.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.goto(url(`/setup#token=${token}`));
    await heading(page, 'Set up DeploySphere');
    await shot(page, 'setup');
    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Team name').fill('Acme');
    await page.getByRole('button', { name: 'Create the owner account' }).click();
    await heading(page, 'Projects');
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByTestId('role').textContent()).toContain('owner@example.com · owner');
  }, LONG);

  it('the owner invites a viewer by a one-time link', async () => {
    await page.getByRole('link', { name: 'Team' }).click();
    await heading(page, /^Team/);
    const invitations = page.locator('section', { has: page.getByRole('heading', { name: 'Invitations' }) });
    await invitations.getByLabel('Email').fill('viewer@example.com');
    await invitations.getByLabel('Role').selectOption('viewer');
    await invitations.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByTestId('invitation-url').textContent())!;
    inviteUrl = url(new URL(link).pathname);
    await page.getByRole('cell', { name: 'viewer@example.com', exact: true }).waitFor();
    await shot(page, 'team');
  }, LONG);

  it('a dropped folder is packed in the browser (ignore rules applied), uploaded with progress, and its log streams before the build ends', async () => {
    await page.getByRole('link', { name: 'Projects' }).click();
    await heading(page, 'Projects');
    await shot(page, 'projects-empty');
    // Every state the progress bar shows, recorded as the page renders it (it may last a frame on loopback).
    await page.evaluate(`window.__progress = [];
      new MutationObserver(() => {
        const bar = document.querySelector('.progress');
        if (bar) window.__progress.push(bar.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });`);
    await page.getByTestId('folder-input').setInputFiles(site);
    await page.getByRole('status').filter({ hasText: /files from fixture-site/ }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('status').filter({ hasText: /files from fixture-site/ }).textContent()).toBe('4 files from fixture-site (2 ignored)');
    await page.waitForURL(/\/deployments\/dpl_/, { timeout: 60_000 });
    const progress = (await page.evaluate('window.__progress')) as string[];
    expect(progress.some((t) => /^Packing .* of /.test(t))).toBe(true);
    expect(progress.some((t) => /^Uploading .* of /.test(t))).toBe(true);
    first = new URL(page.url()).pathname.split('/').pop()!;
    const log = page.getByTestId('log-body');
    await log.getByText('waiting for the gate').waitFor({ timeout: 120_000 });
    // Seen while the build still runs: the badge says BUILDING until the gate opens.
    await status(page, 'BUILDING', 1_000);
    await log.getByText('uploaded .env: false, uploaded notes.txt: false').waitFor();
    await log.locator('.ansi-green-fg', { hasText: 'compiling' }).waitFor();
    expect(await page.getByTestId('log-mode').textContent()).toBe('Live');
    await shot(page, 'deployment-building');

    writeFileSync(gate, '');
    await status(page, 'READY', 180_000);
    await log.getByText('built').waitFor();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await shot(page, 'deployment-ready');
    const preview = (await page.getByTestId('deployment-url').getAttribute('href'))!;
    const sitePage = await owner.context.newPage();
    await siteShows(sitePage, preview, 'version 1');
    await sitePage.close();
  }, LONG);

  it('a second version goes live, and a click rolls production back to the first', async () => {
    await page.getByRole('link', { name: '← Project' }).click();
    await heading(page, 'fixture-site');
    projectId = new URL(page.url()).pathname.split('/').pop()!;
    writeSite('version 2');
    await page.getByTestId('folder-input').setInputFiles(site);
    await page.waitForURL((u) => /\/deployments\/dpl_/.test(u.pathname) && !u.pathname.endsWith(first), { timeout: 60_000 });
    await status(page, 'READY', 180_000);
    await page.getByRole('link', { name: '← Project' }).click();
    await heading(page, 'fixture-site');
    const production = (await page.getByTestId('production-url').getAttribute('href'))!;
    const sitePage = await owner.context.newPage();
    await siteShows(sitePage, production, 'version 2');

    await page.locator(`tr[data-deployment="${first}"]`).getByRole('button', { name: 'Roll back to this' }).click();
    await page.locator(`tr[data-deployment="${first}"] .badge-live`).waitFor({ timeout: 60_000 });
    await siteShows(sitePage, production, 'version 1');
    await sitePage.close();
    await shot(page, 'project');
  }, LONG);

  it('a secret env var is write-only: set once, never shown again, in no response', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, /settings$/);
    const env = page.locator('section', { has: page.getByRole('heading', { name: 'Environment variables' }) });
    await env.getByLabel('Key').fill('API_KEY');
    await env.getByLabel('Value').fill(secretValue);
    await env.getByRole('checkbox', { name: /Secret/ }).check();
    await env.getByRole('button', { name: 'Save variable' }).click();
    await env.getByRole('status').filter({ hasText: 'API_KEY saved' }).waitFor();
    expect(await env.getByLabel('Value').inputValue()).toBe('');
    await page.reload();
    await heading(page, /settings$/);
    await page.getByTestId('env-list').getByText('secret (write-only)').first().waitFor();
    expect(await page.content()).not.toContain(secretValue);
    await shot(page, 'settings');
    expect(bodies.length).toBeGreaterThan(10);
    expect(bodies.filter((b) => b.includes(secretValue))).toEqual([]);
  }, LONG);

  it('analytics show the site traffic as charts and top paths', async () => {
    await page.getByRole('link', { name: 'Analytics' }).click();
    await heading(page, 'Analytics');
    for (const title of ['Requests', 'Bandwidth', 'Status classes']) await page.locator('figure', { hasText: title }).locator('canvas').waitFor();
    await shot(page, 'analytics');
  }, LONG);

  it('the viewer joins by the link, sees the project, and can neither deploy nor read the secret', async () => {
    await viewerPage.goto(inviteUrl);
    await heading(viewerPage, 'Join a team');
    await viewerPage.getByText('as viewer').waitFor();
    await viewerPage.getByLabel('Your name').fill('Victor Viewer');
    await viewerPage.getByLabel('Password').fill(password);
    await viewerPage.getByRole('button', { name: 'Accept and sign in' }).click();
    await heading(viewerPage, 'Projects');
    expect(await viewerPage.getByTestId('role').textContent()).toContain('viewer@example.com · viewer');
    expect(await viewerPage.getByTestId('folder-input').count()).toBe(0);

    await viewerPage.getByRole('link', { name: 'fixture-site', exact: true }).click();
    await heading(viewerPage, 'fixture-site');
    expect(await viewerPage.getByTestId('folder-input').count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: /Roll back|Promote|Cancel|Redeploy/ }).count()).toBe(0);
    await shot(viewerPage, 'viewer-project');
    await viewerPage.getByRole('link', { name: 'Settings' }).click();
    await heading(viewerPage, /settings$/);
    await viewerPage.getByTestId('env-list').getByText('secret (write-only)').first().waitFor();
    expect(await viewerPage.getByRole('button', { name: /^Save/ }).count()).toBe(0);
    expect(await viewerPage.content()).not.toContain(secretValue);

    // The API itself refuses the viewer (the page only hides what would be refused).
    const cookies = await viewer.context.cookies(platform.apiUrl);
    const jar = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = cookies.find((c) => c.name === 'ds_csrf')!.value;
    const deploy = await fetch(url(`/v1/projects/${projectId}/deployments`), {
      method: 'POST',
      headers: { Cookie: jar, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(deploy.status).toBe(403);
    const env = await fetch(url(`/v1/projects/${projectId}/env`), { headers: { Cookie: jar } });
    expect(env.status).toBe(200);
    const text = await env.text();
    expect(text).toContain('"API_KEY"');
    expect(text).not.toContain(secretValue);
  }, LONG);

  it('is usable with the keyboard: sign out, then sign in with keys only', async () => {
    await viewerPage.getByRole('button', { name: 'Sign out' }).click();
    await heading(viewerPage, 'Sign in to DeploySphere');
    await shot(viewerPage, 'sign-in');
    // The email field has the focus; Tab moves to the password; Enter submits.
    await viewerPage.keyboard.type('viewer@example.com');
    await viewerPage.keyboard.press('Tab');
    await viewerPage.keyboard.type(password);
    await viewerPage.keyboard.press('Enter');
    // Back where the viewer signed out.
    await heading(viewerPage, /settings$/);
  }, LONG);

  it('says why a page failed to load: the problem code and detail', async () => {
    const other = await owner.context.newPage();
    await other.goto(url('/projects/prj_00000000000000000000000000'));
    await other.getByRole('alert').filter({ hasText: 'PROJECT_NOT_FOUND' }).waitFor();
    expect(await other.getByRole('alert').textContent()).toMatch(/^The project could not be loadedPROJECT_NOT_FOUND .+/);
    await other.close();
  }, LONG);

  it('has no serious or critical accessibility violation on its main pages, and the pages logged no error', async () => {
    const pages = ['/', `/projects/${projectId}`, `/deployments/${first}`, `/projects/${projectId}/settings`, `/projects/${projectId}/analytics`, '/team', '/account'];
    const found: Record<string, unknown[]> = {};
    for (const path of pages) {
      await page.goto(url(path));
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await axeViolations(page);
      if (violations.length) found[path] = violations;
    }
    const signedOut = await launchChromium();
    try {
      const p = await signedOut.context.newPage();
      const errors = recordErrors(p);
      await p.goto(url('/'));
      await heading(p, 'Sign in to DeploySphere');
      const violations = await axeViolations(p);
      if (violations.length) found['/sign-in'] = violations;
      expect(errors).toEqual([]);
    } finally {
      await signedOut.close();
    }
    expect(found).toEqual({});
    expect(ownerErrors).toEqual([]);
    expect(viewerErrors).toEqual([]);
  }, LONG);
});
