import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as stackPlan from '../../../scripts/distributed/stack';
import { REPO_ROOT } from '../../support/builds';
import { freePort } from '../../support/ports';
import { eventually, isAlive, LauncherStack, prepareStack, releaseStack } from '../../support/process-stack';

// `npm run start:distributed` as an operator runs it: a crashed app is started again with backoff
// while the others keep serving, a crash loop is reported, and `--print-env` gives exactly the
// environment an app needs to be started by hand.

jest.setTimeout(300_000);

const launcherLog = (stack: LauncherStack) => readFileSync(stack.log, 'utf8');

describe('distributed launcher: a crashed app comes back, the others keep serving', () => {
  let stack: LauncherStack;

  beforeAll(async () => {
    stack = await LauncherStack.start();
  }, 200_000);

  afterAll(async () => {
    await stack?.stop();
  }, 90_000);

  it('kill -9 of the gateway: the api, orchestrator, log-ingest and edge keep answering; the gateway is restarted on its port', () =>
    stack.explain(async () => {
      const gateway = stack.process('gateway');
      const others = stack.processes.filter((p) => p.name !== 'gateway');
      process.kill(gateway.pid, 'SIGKILL');
      await eventually(async () => (isAlive(gateway.pid) ? undefined : true), 10_000, 'the gateway gone');
      for (const p of others) {
        expect(isAlive(p.pid)).toBe(true);
        expect((await fetch(p.readyUrl!)).status).toBe(200);
      }
      const back = await eventually(
        async () => {
          const now = stack.refresh().find((p) => p.name === 'gateway')!;
          return now.pid !== gateway.pid && isAlive(now.pid) ? now : undefined;
        },
        60_000,
        'a new gateway process',
      );
      await eventually(async () => ((await fetch(gateway.readyUrl!).then((r) => r.status, () => 0)) === 200 ? true : undefined), 120_000, 'the new gateway ready on the same port');
      expect(back.restarts).toBe(1);
      const log = launcherLog(stack);
      expect(log).toContain(`gateway (pid ${gateway.pid}) exited (SIGKILL)`);
      expect(log).toContain('gateway exited unexpectedly; restarting it in 1 s (restart 1); the other processes keep running');
      expect(log).toContain(`gateway restarted (pid ${back.pid})`);
      // Nothing else was restarted.
      for (const p of others) expect(stack.refresh().find((q) => q.name === p.name)).toMatchObject({ pid: p.pid, restarts: 0 });
    }));

  it('an app that keeps exiting is reported as a crash loop, and is still restarted', () =>
    stack.explain(async () => {
      for (let i = 0; i < 2; i++) {
        const before = stack.refresh().find((p) => p.name === 'gateway')!;
        process.kill(before.pid, 'SIGKILL');
        await eventually(
          async () => {
            const now = stack.refresh().find((p) => p.name === 'gateway')!;
            return now.pid !== before.pid ? now : undefined;
          },
          60_000,
          'the gateway restarted again',
        );
      }
      await eventually(async () => (/gateway is in a crash loop: 3 exits within 60 s/.test(launcherLog(stack)) ? true : undefined), 30_000, 'the crash loop reported');
      await eventually(async () => ((await fetch(stack.process('gateway').readyUrl!).then((r) => r.status, () => 0)) === 200 ? true : undefined), 120_000, 'the gateway back after the crash loop');
      expect(stack.refresh().find((p) => p.name === 'gateway')!.restarts).toBe(3);
    }));

  it('Ctrl-C still stops every app, restarted ones included, and the launcher exits 0', () =>
    stack.explain(async () => {
      const pids = stack.refresh().map((p) => p.pid);
      expect(await stack.interrupt()).toEqual({ code: 0, signal: null });
      expect(pids.filter(isAlive)).toEqual([]);
      expect(launcherLog(stack)).not.toMatch(/restarting it in .*\n(.|\n)*SIGINT: stopping(.|\n)*restarted \(pid/);
    }));
});

describe('distributed launcher --print-env', () => {
  it('prints and writes (0600) each app\'s environment, starts nothing, and an app started by hand with exactly that environment becomes ready', async () => {
    const resources = await prepareStack();
    let byHand: ReturnType<typeof spawn> | undefined;
    try {
      const stateDir = join(resources.stateDir, 'print-env');
      const ports: Record<string, string> = {};
      for (const app of stackPlan.APPS) ports[stackPlan.PORTS[app].variable] = String(await freePort());
      const env = { ...resources.env, ...ports, EDGE_MANAGEMENT_PORT: String(await freePort()), DISTRIBUTED_STATE_DIR: stateDir, DEPLOYSPHERE_ENCRYPTION_KEY: '' };
      const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'distributed', 'start.js'), '--print-env'], { cwd: REPO_ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

      // One block per process, naming its entry point; the generated key is in every one.
      const key = readFileSync(join(stateDir, 'encryption.key'), 'utf8').trim();
      for (const app of stackPlan.APPS) {
        expect(stdout).toContain(`# ${app}: node dist/apps/${app}/src/main.js`);
        const file = join(stateDir, 'env', `${app}.env`);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const vars = Object.fromEntries(
          readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]),
        );
        expect(vars).toMatchObject({ DATABASE_URL: resources.env.DATABASE_URL, KAFKA_BROKERS: resources.env.KAFKA_BROKERS, S3_BUCKET: resources.bucket, DEPLOYSPHERE_ENCRYPTION_KEY: key, DATABASE_MIGRATE_ON_START: 'false' });
        expect(vars).not.toHaveProperty('PATH');
        expect(vars).not.toHaveProperty('DISTRIBUTED_STATE_DIR');
      }
      // Nothing was started or migrated.
      expect(stderr).not.toContain('db:migrate');
      expect((await resources.db.pool.query(`SELECT to_regclass('public.deployments') AS t`)).rows[0].t).toBeNull();

      // An operator's by-hand start: migrate once, then the app with exactly the printed variables (and PATH).
      await stackPlan.migrate(resources.env);
      const file = join(stateDir, 'env', 'log-ingest.env');
      const vars = Object.fromEntries(
        readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]),
      );
      byHand = spawn(process.execPath, [stackPlan.entryPoint('log-ingest')], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...vars }, stdio: ['ignore', 'ignore', 'ignore'] });
      const port = vars.LOG_INGEST_PORT;
      await stackPlan.waitReady(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 120_000, exited: () => byHand!.exitCode !== null });
    } finally {
      if (byHand && byHand.exitCode === null) {
        byHand.kill('SIGTERM');
        await new Promise((resolve) => byHand!.once('exit', resolve));
      }
      await releaseStack(resources);
    }
  });
});
