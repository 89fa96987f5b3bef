// Dashboard budgets, measured in Chromium against the built platform (`npm run build` first):
//   1. first load of the projects page: compressed JavaScript bytes (resource timing
//      transferSize of every script, lazily loaded chunks included) and largest contentful paint,
//      each run in a fresh profile (empty cache), on loopback;
//   2. a deployment whose build printed LINES lines: time until the log view holds them all,
//      then scroll frame times (requestAnimationFrame deltas while the view scrolls a fixed
//      distance per frame), long tasks, and the time a search takes to filter them.
//
//   node -r ./bench/register.js bench/dashboard/dashboard.bench.ts [--runs 5] [--lines 50000] [--frames 240]
//
// Budgets (issue 15): ≤ 250 KB compressed JS, LCP ≤ 1 s, the 50,000-line view responsive.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium';
import { startPlatformProcess } from '../../test/support/platform-process';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, lines: { type: 'string', default: '50000' }, frames: { type: 'string', default: '240' } } });
const RUNS = Number(values.runs);
const LINES = Number(values.lines);
const FRAMES = Number(values.frames);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs: number[]) => quantile(xs, 0.5);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
  const platform = await startPlatformProcess({ BUILD_RUNNER: 'process' });
  try {
    // The first owner, through the API with the admin token; the browser gets the session cookies.
    const setup = await fetch(`${platform.apiUrl}/v1/auth/setup`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${platform.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'bench-password-123', name: 'Bench', teamName: 'Bench' }),
    });
    if (!setup.ok) throw new Error(`setup: ${setup.status} ${await setup.text()}`);
    const cookies = setup.headers.getSetCookie().map((c) => {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    });
    const jar = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = cookies.find((c) => c.name === 'ds_csrf')!.value;
    const api = async <T>(method: string, path: string, body?: string | Buffer, type = 'application/json'): Promise<T> => {
      const res = await fetch(`${platform.apiUrl}${path}`, { method, body, headers: { Cookie: jar, 'X-CSRF-Token': csrf, 'Content-Type': type } });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // A project whose build prints LINES lines (some coloured), then the site.
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name: 'bench-site', private: true, scripts: { build: 'node build.js' } }));
    writeFileSync(join(src, 'index.html'), '<!doctype html><title>bench</title><h1>bench</h1>');
    writeFileSync(
      join(src, 'build.js'),
      `const out = [];
for (let i = 1; i <= ${LINES}; i++) out.push(i % 10 === 0 ? '\\u001b[33mwarning\\u001b[0m module ' + i + ' is large' : 'compiling module ' + i + ' of ${LINES}');
process.stdout.write(out.join('\\n') + '\\n');
require('fs').mkdirSync('dist', { recursive: true });
require('fs').copyFileSync('index.html', 'dist/index.html');
`,
    );
    execFileSync('tar', ['-C', src, '-czf', join(work, 'src.tgz'), '.']);
    const project = await api<{ id: string }>('POST', '/v1/projects', JSON.stringify({ name: 'Bench Site' }));
    const deployment = await api<{ id: string }>('POST', `/v1/projects/${project.id}/deployments`, readFileSync(join(work, 'src.tgz')), 'application/gzip');
    const deadline = Date.now() + 600_000;
    for (;;) {
      const d = await api<{ status: string }>('GET', `/v1/deployments/${deployment.id}`);
      if (d.status === 'READY') break;
      if (['FAILED', 'CANCELED', 'TIMED_OUT'].includes(d.status) || Date.now() > deadline) throw new Error(`deployment ${d.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const host = new URL(platform.apiUrl).hostname;
    const withSession = async () => {
      const browser = await launchChromium();
      await browser.context.addCookies(cookies.map((c) => ({ ...c, domain: host, path: '/' })));
      return browser;
    };

    console.log(`platform ${platform.apiUrl}; ${RUNS} runs; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    const js: number[] = [];
    const lcp: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const browser = await withSession();
      try {
        const page = await browser.context.newPage();
        await page.goto(platform.apiUrl, { waitUntil: 'networkidle' });
        await page.getByRole('link', { name: 'Bench Site', exact: true }).waitFor();
        const m = (await page.evaluate(`new Promise((resolve) => {
          new PerformanceObserver((list) => {
            const entries = list.getEntries();
            const scripts = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js'));
            resolve({
              lcp: entries[entries.length - 1].startTime,
              transfer: scripts.reduce((n, e) => n + e.transferSize, 0),
              encoded: scripts.reduce((n, e) => n + e.encodedBodySize, 0),
              decoded: scripts.reduce((n, e) => n + e.decodedBodySize, 0),
              files: scripts.map((e) => e.name.split('/').pop()),
            });
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        })`)) as { lcp: number; transfer: number; encoded: number; decoded: number; files: string[] };
        js.push(m.transfer);
        lcp.push(m.lcp);
        console.log(`  run ${run + 1}: JS ${(m.transfer / 1024).toFixed(1)} KB transferred (${(m.encoded / 1024).toFixed(1)} KB compressed bodies, ${(m.decoded / 1024).toFixed(1)} KB decoded; ${m.files.join(', ')}), LCP ${m.lcp.toFixed(0)} ms`);
      } finally {
        await browser.close();
      }
    }
    console.log(`projects page, first load: JS median ${(median(js) / 1024).toFixed(1)} KB (max ${(Math.max(...js) / 1024).toFixed(1)}), LCP median ${median(lcp).toFixed(0)} ms (max ${Math.max(...lcp).toFixed(0)})`);

    const browser = await withSession();
    try {
      const page = await browser.context.newPage();
      const t0 = Date.now();
      await page.goto(`${platform.apiUrl}/deployments/${deployment.id}`);
      // Every line (the build's and the builder's own) is in the view once the stream has ended.
      // (Polled from here: waitForFunction would evaluate inside the page, which its CSP forbids.)
      const allShown = `parseInt(document.querySelector('.log-tools .muted')?.textContent ?? '0', 10) >= ${LINES} && document.querySelector('[data-testid="log-mode"]')?.textContent === 'Complete'`;
      while (!(await page.evaluate(allShown))) {
        if (Date.now() - t0 > 300_000) throw new Error('the log view never held every line');
        await new Promise((r) => setTimeout(r, 100));
      }
      const loaded = Date.now() - t0;
      const count = await page.locator('.log-tools .muted').textContent();
      const scroll = await scrollFrames(page, FRAMES);
      const t1 = Date.now();
      await page.getByLabel('Search the log').fill('warning');
      await page.getByText(/matching of/).waitFor();
      const search = Date.now() - t1;
      const dom = await page.locator('.log-line').count();
      console.log(
        `log view, ${count}: all lines shown ${loaded} ms after navigation; ${dom} rows in the DOM; scroll ${FRAMES} frames: ` +
          `frame p50 ${scroll.p50.toFixed(1)} ms, p95 ${scroll.p95.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms, ${scroll.longTasks} long tasks (> 50 ms); search filtered in ${search} ms`,
      );
    } finally {
      await browser.close();
    }
  } finally {
    await platform.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Scrolls the log a fixed distance per animation frame and reports the frame intervals. */
async function scrollFrames(page: Page, frames: number): Promise<{ p50: number; p95: number; max: number; longTasks: number }> {
  const result = (await page.evaluate(`new Promise((resolve) => {
    const el = document.querySelector('[data-testid="log-body"]');
    el.scrollTop = 0;
    let longTasks = 0;
    const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
    observer.observe({ type: 'longtask' });
    const deltas = [];
    let last = performance.now();
    let n = 0;
    const step = (now) => {
      deltas.push(now - last);
      last = now;
      el.scrollTop += Math.max(1, (el.scrollHeight - el.clientHeight) / ${frames});
      if (++n < ${frames}) requestAnimationFrame(step);
      else setTimeout(() => { observer.disconnect(); resolve({ deltas: deltas.slice(1), longTasks }); }, 100);
    };
    requestAnimationFrame(step);
  })`)) as { deltas: number[]; longTasks: number };
  return { p50: quantile(result.deltas, 0.5), p95: quantile(result.deltas, 0.95), max: Math.max(...result.deltas), longTasks: result.longTasks };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
