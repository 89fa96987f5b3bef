import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tarGzOf } from '../../support/archives';
import { REPO_ROOT } from '../../support/builds';
import { apiCall, createTeamToken, edgeGet, eventually, expectStatus, ProcessStack, waitForDeployment } from '../../support/process-stack';

// What an operator scrapes and probes: every app of the distributed stack answers /livez, /readyz
// (through @nestjs/terminus) and /metrics (prom-client, behind METRICS_TOKEN); the edge on its
// management port, never on a tenant host. A deployment moves the metrics it should, and every
// metric the Grafana dashboard in deploy/ plots exists in a scrape of the running stack.

jest.setTimeout(240_000);

const TOKEN = 'metrics-token-for-this-test-0123456789';

/** `name{labels} value` lines of a scrape, as [name, labels, value]. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

const value = (text: string, name: string, labels: Record<string, string> = {}) =>
  samples(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

const declared = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));

describe('metrics and health, as operators expect them', () => {
  let stack: ProcessStack;

  beforeAll(async () => {
    stack = await ProcessStack.start({ env: { METRICS_TOKEN: TOKEN, KAFKA_LAG_SAMPLE_SECONDS: '1' } });
  }, 200_000);

  afterAll(async () => {
    await stack?.stop();
  }, 90_000);

  const scrape = async (name: string) => {
    const res = await fetch(stack.process(name).metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const APPS = ['api', 'orchestrator', 'log-ingest', 'gateway', 'edge-router'];

  it('each app answers /livez and /readyz through terminus, and the edge its probes on the management port too', () =>
    stack.explain(async () => {
      for (const name of APPS) {
        const base = new URL(stack.process(name).metricsUrl).origin;
        const live = await fetch(`${base}/livez`);
        expect(live.status).toBe(200);
        expect(await live.json()).toMatchObject({ status: 'ok', details: { process: { status: 'up', pid: stack.process(name).pid } } });
        const ready = await fetch(`${base}/readyz`);
        expect(ready.status).toBe(200);
        const body = (await ready.json()) as { status: string; checks: Record<string, string> };
        expect(body.status).toBe('ready');
        expect(Object.values(body.checks).every((c) => c === 'up')).toBe(true);
        expect(body.checks.database).toBe('up');
      }
      expect(new URL(stack.process('edge-router').metricsUrl).port).not.toBe(String(stack.process('edge-router').port));
    }));

  it('start-up is logged as it happens, not buffered until the app is built', () =>
    stack.explain(async () => {
      const lines = readFileSync(stack.process('edge-router').log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { time: number; msg: string });
      const listening = lines.findIndex((l) => l.msg.startsWith('edge router listening'));
      expect(listening).toBeGreaterThan(0);
      // Buffered, every line up to the listener's was stamped with the one flush time.
      expect(new Set(lines.slice(0, listening + 1).map((l) => l.time)).size).toBeGreaterThanOrEqual(3);
    }));

  it('/metrics needs the token: none or a wrong one is a 401 problem that does not echo it', () =>
    stack.explain(async () => {
      for (const name of APPS) {
        for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token-00' }, { authorization: TOKEN }]) {
          const res = await fetch(stack.process(name).metricsUrl, { headers });
          expect(res.status).toBe(401);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          const text = await res.text();
          expect(JSON.parse(text)).toMatchObject({ status: 401, code: 'METRICS_TOKEN_REQUIRED' });
          expect(text).not.toContain(TOKEN);
          expect(text).not.toContain('wrong-token');
        }
      }
    }));

  it('a deployment moves the build, outbox, Kafka, HTTP and edge metrics; tenant hosts never serve /metrics', () =>
    stack.explain(async () => {
      const r = stack.resources;
      const api = stack.url('api');
      const token = await createTeamToken(api, r.adminToken, `Metrics ${r.runId}`);
      const project = expectStatus(
        await apiCall(api, 'POST', '/v1/projects', token, { name: `Metrics ${r.runId.replace(/[^a-z0-9]/gi, ' ')}`, buildCommand: 'mkdir -p out && cp index.html out/', outputDirectory: 'out' }),
        201,
        'create project',
      ).body as { id: string; slug: string };
      const site = await tarGzOf([
        { name: './', type: 'directory' },
        { name: './index.html', content: `<!doctype html><h1>metrics ${r.runId}</h1>\n` },
      ]);
      const deployment = expectStatus(await apiCall(api, 'POST', `/v1/projects/${project.id}/deployments?target=PRODUCTION`, token, site), 202, 'upload').body as { id: string };
      expect((await waitForDeployment(api, token, deployment.id, 150_000)).status).toBe('READY');
      const edgePort = stack.process('edge-router').port;
      await eventually(async () => ((await edgeGet(edgePort, `${project.slug}.localhost`, '/')).status === 200 ? true : undefined), 30_000, 'the site on the edge');
      await edgeGet(edgePort, `${project.slug}.localhost`, '/');
      const tenantMetrics = await edgeGet(edgePort, `${project.slug}.localhost`, '/metrics');
      expect(tenantMetrics.status).toBe(404);
      expect(tenantMetrics.body).not.toContain('# TYPE');

      const orchestrator = await scrape('orchestrator');
      expect(value(orchestrator, 'deploysphere_builds_total', { outcome: 'ready' })).toBe(1);
      expect(value(orchestrator, 'deploysphere_build_duration_seconds_count', { outcome: 'ready' })).toBe(1);
      expect(value(orchestrator, 'deploysphere_build_duration_seconds_sum', { outcome: 'ready' })).toBeGreaterThan(0);
      expect(samples(orchestrator).some((s) => s.name === 'deploysphere_build_queue_depth')).toBe(true);
      // The build's clean-up (its container removed) follows READY.
      await eventually(async () => (value(await scrape('orchestrator'), 'deploysphere_builds_running') === 0 ? true : undefined), 60_000, 'no build running');
      // Sampled every second (KAFKA_LAG_SAMPLE_SECONDS=1): the orchestrator's group has read what was published.
      const lagged = await eventually(
        async () => {
          const text = await scrape('orchestrator');
          const lag = samples(text).filter((s) => s.name === 'deploysphere_kafka_consumer_lag_messages' && s.labels.group === 'orchestrator' && s.labels.topic === 'deployments.requested.v1');
          return lag.length === 1 && lag[0].value === 0 ? lag : undefined;
        },
        30_000,
        'the orchestrator group\'s lag on deployments.requested.v1, at 0',
      );
      expect(lagged).toHaveLength(1);

      const apiText = await scrape('api');
      const routes = samples(apiText).filter((s) => s.name === 'deploysphere_http_request_duration_seconds_count' && s.labels.server === 'api');
      expect(routes.find((s) => s.labels.method === 'POST' && s.labels.route === '/v1/projects/:projectId/deployments' && s.labels.status_class === '2xx')?.value).toBe(1);
      // Route templates, never raw ids: a client cannot create series.
      expect(routes.every((s) => !s.labels.route.includes(deployment.id) && !s.labels.route.includes(project.id))).toBe(true);
      await eventually(async () => (value(await scrape('api'), 'deploysphere_outbox_backlog_messages') === 0 ? true : undefined), 30_000, 'an empty outbox');
      expect(samples(apiText).some((s) => s.name === 'deploysphere_outbox_oldest_age_seconds')).toBe(true);

      const edge = await scrape('edge-router');
      expect(value(edge, 'deploysphere_edge_requests_total', { status_class: '2xx' })).toBeGreaterThanOrEqual(2);
      expect(value(edge, 'deploysphere_edge_requests_total', { status_class: '4xx' })).toBeGreaterThanOrEqual(1);
      expect(value(edge, 'deploysphere_edge_response_bytes_total')).toBeGreaterThan(0);
      expect(value(edge, 'deploysphere_edge_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
      expect(value(edge, 'deploysphere_edge_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);

      expect(samples(await scrape('gateway')).some((s) => s.name === 'deploysphere_live_log_subscribers')).toBe(true);
      for (const name of APPS) expect(value(await scrape(name), 'process_cpu_seconds_total')).toBeGreaterThan(0);
    }));

  it('every metric the Grafana dashboard plots exists in a scrape of the running stack', () =>
    stack.explain(async () => {
      const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'grafana', 'deploysphere-dashboard.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
      const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
      const named = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:deploysphere|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, ''))));
      expect(named.size).toBeGreaterThanOrEqual(15);
      const exposed = new Set<string>();
      for (const name of APPS) for (const metric of declared(await scrape(name))) exposed.add(metric);
      expect([...named].filter((n) => !exposed.has(n))).toEqual([]);
    }));
});
