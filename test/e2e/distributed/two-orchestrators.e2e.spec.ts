import { tarGzOf } from '../../support/archives';
import { apiCall, BuildContainerWatch, createTeamToken, eventually, expectStatus, ProcessStack, TERMINAL, tailOf, type ContainerEvent } from '../../support/process-stack';

// Crash test 2 (load sharing): two orchestrator processes in one consumer group, with
// distinct ORCHESTRATOR_INSTANCE_IDs, take 30 deployments requested at once. BUILD_CONCURRENCY=6
// overall and BUILD_CONCURRENCY_PER_INSTANCE=3: each instance runs at most three builds, so both
// must build. 30 distinct projects, so no deployment supersedes another (one build at a time per
// project, and a newer queued production deployment replaces older ones).
//
// Proof that each was built exactly once: the Docker engine's `create` events for containers
// labelled with each deployment id (one container per build; see orchestrator-crash.e2e.spec.ts),
// and each deployment claimed once in the two orchestrators' logs. The api and the two
// orchestrators run; the other apps are not needed here (their events wait in this run's topics).

jest.setTimeout(170_000);

const N = 30;

describe('distributed mode: two orchestrator processes share the build queue', () => {
  let stack: ProcessStack;
  let containers: BuildContainerWatch;

  beforeAll(async () => {
    containers = await BuildContainerWatch.start();
    stack = await ProcessStack.start({
      counts: { orchestrator: 2, 'log-ingest': 0, gateway: 0, 'edge-router': 0 },
      env: { BUILD_CONCURRENCY: '6', BUILD_CONCURRENCY_PER_INSTANCE: '3' },
    });
  }, 170_000);

  afterAll(async () => {
    containers?.stop();
    await stack?.stop();
  }, 90_000);

  it(`${N} deployments requested at once: each READY, each built exactly once, by both instances`, () =>
    stack.explain(async () => {
      const r = stack.resources;
      const api = stack.url('api');
      const instances = [stack.process('orchestrator'), stack.process('orchestrator-2')].map((p) => p.env.ORCHESTRATOR_INSTANCE_ID!);
      expect(new Set(instances).size).toBe(2);
      const token = await createTeamToken(api, r.adminToken, `Load ${r.runId}`);
      const projects: string[] = [];
      for (let i = 0; i < N; i++) {
        projects.push(expectStatus(await apiCall(api, 'POST', '/v1/projects', token, { name: `Load ${i} ${r.runId.replace(/[^a-z0-9]/gi, ' ')}` }), 201, `project ${i}`).body.id);
      }
      const site = await tarGzOf([
        { name: './', type: 'directory' },
        { name: './index.html', content: '<!doctype html><h1>load</h1>\n' },
      ]);

      const requestedAt = Date.now();
      const ids = (
        await Promise.all(projects.map((p) => apiCall(api, 'POST', `/v1/projects/${p}/deployments?target=PRODUCTION`, token, site)))
      ).map((res, i) => expectStatus(res, 202, `deployment ${i}`).body.id as string);

      const rows = await eventually(
        async () => {
          const { rows } = await r.db.pool.query<{ id: string; status: string; orchestrator_id: string | null }>(
            'SELECT id, status::text, orchestrator_id FROM deployments WHERE id = ANY($1)',
            [ids],
          );
          return rows.length === N && rows.every((d) => TERMINAL.includes(d.status)) ? rows : undefined;
        },
        150_000,
        `all ${N} deployments finished`,
      );
      const tookMs = Date.now() - requestedAt;
      expect(rows.filter((d) => d.status !== 'READY')).toEqual([]);
      // As the API shows them.
      for (const id of ids) expect(expectStatus(await apiCall(api, 'GET', `/v1/deployments/${id}`, token), 200, id).body.status).toBe('READY');

      // Each built exactly once: one build container created (and started) per deployment…
      for (const id of ids) {
        expect({ id, creates: containers.of(id, 'create').length, starts: containers.of(id, 'start').length }).toEqual({ id, creates: 1, starts: 1 });
      }
      // …and claimed once, by one of the two instances (each instance logs every claim).
      const claims = [stack.process('orchestrator'), stack.process('orchestrator-2')].map((p) => [...tailOf(p.log, 100_000).matchAll(/"deploymentId":"(dpl_[0-9a-z]+)"[^\n]*"msg":"build claimed"/g)].map((m) => m[1]));
      expect(claims.flat().sort()).toEqual([...ids].sort());

      // Both instances built; neither ran more than three at once, together never more than six.
      const byInstance = instances.map((instance) => rows.filter((d) => d.orchestrator_id === instance).map((d) => d.id));
      expect(byInstance[0].length + byInstance[1].length).toBe(N);
      expect(byInstance[0].length).toBeGreaterThan(0);
      expect(byInstance[1].length).toBeGreaterThan(0);
      const peaks = byInstance.map((owned) => peakOverlap(containers.events.filter((e) => owned.includes(e.deploymentId))));
      expect(peaks[0]).toBeLessThanOrEqual(3);
      expect(peaks[1]).toBeLessThanOrEqual(3);
      expect(peakOverlap(containers.events.filter((e) => ids.includes(e.deploymentId)))).toBeLessThanOrEqual(6);
      process.stdout.write(`two orchestrators: ${N} builds in ${(tookMs / 1000).toFixed(1)} s; split ${byInstance[0].length}/${byInstance[1].length}; peak containers per instance ${peaks.join('/')}\n`);
    }));
});

/** Most build containers running at the same moment, from their start and die events. */
function peakOverlap(events: ContainerEvent[]): number {
  const edges = events
    .filter((e) => e.action === 'start' || e.action === 'die')
    .map((e) => ({ at: e.at, delta: e.action === 'start' ? 1 : -1 }))
    // At the same instant, count the end before the start (a slot handed over is not an overlap).
    .sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let peak = 0;
  for (const e of edges) {
    running += e.delta;
    peak = Math.max(peak, running);
  }
  return peak;
}
