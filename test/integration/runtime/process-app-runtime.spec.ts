import { newId } from '@deploysphere/common';
import { ProcessAppRuntime, probeHealth, type AppSpec } from '../../../apps/orchestrator/src/runtime';
import { APP_FIXTURES, httpJson, waitFor } from '../../support/apps';

/** The embedded fallback: child processes on loopback ports, restarted with backoff, drained on stop. */
describe('ProcessAppRuntime', () => {
  const runtime = new ProcessAppRuntime();
  const spec = (patch: Partial<AppSpec> = {}): AppSpec => ({
    deploymentId: newId('dpl'),
    projectId: newId('prj'),
    artifact: { kind: 'directory', path: `${APP_FIXTURES}/http-app` },
    port: 3000,
    startCommand: 'exec node server.js',
    replicas: 2,
    env: { APP_NAME: 'local', API_KEY: 'k-123' },
    limits: { memoryMb: 128, cpus: 1, pids: 64 },
    ...patch,
  });

  afterAll(() => runtime.onModuleDestroy());

  it('runs each replica on its own loopback port given as PORT, with the env; a second start keeps them; stop drains and forgets them', async () => {
    const s = spec();
    const started = await runtime.start(s);
    expect(started).toHaveLength(2);
    const running = await waitFor(async () => {
      const list = await runtime.instances(s.deploymentId);
      return list.every((i) => i.state === 'running' && i.address) ? list : undefined;
    }, 30_000, 'both replicas running');
    const addresses = running.map((i) => i.address!);
    expect(new Set(addresses).size).toBe(2);
    for (const address of addresses) {
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      await waitFor(() => probeHealth(address, '/healthz'), 30_000, 'health');
      expect((await httpJson(`http://${address}/env?name=PORT`)).body.value).toBe(address.split(':')[1]);
      expect((await httpJson(`http://${address}/env?name=API_KEY`)).body.value).toBe('k-123');
    }
    expect((await runtime.start(s)).map((i) => i.id)).toEqual(started.map((i) => i.id));

    const inFlight = httpJson(`http://${addresses[0]}/slow?ms=1000`);
    await waitFor(async () => (await runtime.logTail(s.deploymentId, 10)).includes('slow request started'), 10_000, 'the request in flight');
    await runtime.stop(s.deploymentId, 10);
    expect(await inFlight).toMatchObject({ status: 200, body: { slow: true } });
    expect(await runtime.instances(s.deploymentId)).toEqual([]);
  }, 60_000);

  it('restarts a crashing instance with backoff and counts it', async () => {
    const s = spec({ replicas: 1, env: { CRASH_AFTER_MS: '200' } });
    await runtime.start(s);
    const [crashy] = await waitFor(async () => {
      const list = await runtime.instances(s.deploymentId);
      return list[0]?.restarts >= 2 ? list : undefined;
    }, 30_000, 'two restarts');
    expect(crashy.restarts).toBeGreaterThanOrEqual(2);
    expect(await runtime.logTail(s.deploymentId, 50)).toContain('app crashing on purpose');
    await runtime.stop(s.deploymentId, 1);
  }, 60_000);

  it('runs directories only', async () => {
    await expect(runtime.start(spec({ artifact: { kind: 'image', ref: 'x:1' } }))).rejects.toMatchObject({ code: 'APP_START_FAILED' });
  });
});
