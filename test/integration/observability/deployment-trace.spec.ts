import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '@deploysphere/observability';
import { join } from 'node:path';
import { builderImage, FIXTURE_SITES, tarGzDirectory } from '../../support/builds';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// One deployment is one trace: the API request's span, the outbox row that carries its
// traceparent, the relay's producer span, the orchestrator's consumer span, the build, and the
// events the build raises (consumed again). OpenTelemetry SDK with the in-memory exporter; the
// platform is the api and orchestrator composed as `npm start` does, with the Docker runner.

const hex = (traceparent: string) => traceparent.split('-')[1];

describe('tracing: a deployment is one trace from the API request to the build and its events', () => {
  let platform: TestPlatform;
  let token: string;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    platform = await startTestPlatform('postgres', { BUILD_RUNNER: 'docker', BUILDER_IMAGE: await builderImage(), BUILD_QUEUE_POLL_MS: '200' });
    token = (await createTeamWithToken(platform, 'Tracers')).token;
  }, 300_000);

  afterAll(async () => {
    await stopTracing();
    await platform?.close();
  });

  const deploy = async (name: string, headers: Record<string, string> = {}) => {
    const project = await platform.as(token).post('/v1/projects').send({ name }).expect(201);
    let req = platform.as(token).post(`/v1/projects/${project.body.id}/deployments?target=PRODUCTION`).set('Content-Type', 'application/gzip');
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    const created = await req.send(await tarGzDirectory(join(FIXTURE_SITES, 'static-site'))).expect(202);
    const id = created.body.id as string;
    const until = Date.now() + 240_000;
    for (;;) {
      const d = await platform.as(token).get(`/v1/deployments/${id}`).expect(200);
      if (d.body.status === 'READY') return id;
      if (['FAILED', 'CANCELED', 'TIMED_OUT'].includes(d.body.status) || Date.now() > until) throw new Error(`deployment ${id}: ${d.body.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const outboxEnvelopes = async (deploymentId: string) =>
    (await platform.prisma.$queryRawUnsafe<Array<{ topic: string; payload: { traceparent?: string } }>>(`SELECT topic, payload FROM outbox_messages WHERE key = $1 ORDER BY created_at, id`, deploymentId)).map((r) => ({
      topic: r.topic,
      traceparent: r.payload.traceparent,
    }));

  it('with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT), messages carry no trace context', async () => {
    const id = await deploy('Untraced Site', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const envelopes = await outboxEnvelopes(id);
    expect(envelopes.length).toBeGreaterThan(2);
    expect(envelopes.every((e) => e.traceparent === undefined)).toBe(true);
  }, 300_000);

  it('with tracing on, the request, the outbox, the transport, the orchestrator and the build share one trace id', async () => {
    startTracing({ serviceName: 'deploysphere-test', exporter });
    // A caller's own trace is continued.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const id = await deploy('Traced Site', { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });

    const envelopes = await outboxEnvelopes(id);
    expect(envelopes.map((e) => e.topic)).toContain('deployments.requested.v1');
    for (const e of envelopes) expect(e.traceparent && hex(e.traceparent)).toBe(callerTrace);

    // The api and orchestrator are composed here (no edge or gateway consumes the ready event).
    const spans = await waitForSpans(exporter, (all) => all.some((s) => s.name === 'publish deployments.ready.v1') && all.some((s) => s.name === `build ${id}`));
    const inTrace = spans.filter((s) => s.spanContext().traceId === callerTrace);
    const names = inTrace.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['POST /v1/projects/:projectId/deployments', 'publish deployments.requested.v1', 'consume deployments.requested.v1', `build ${id}`]));
    // Parentage: request → producer → consumer.
    const byName = (n: string) => inTrace.find((s) => s.name === n)!;
    const request = byName('POST /v1/projects/:projectId/deployments');
    const produced = byName('publish deployments.requested.v1');
    const consumed = byName('consume deployments.requested.v1');
    expect(produced.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(consumed.parentSpanContext?.spanId).toBe(produced.spanContext().spanId);
    expect(request.attributes['http.response.status_code']).toBe(202);
    // What the build raised (its status events) is published and consumed in the same trace.
    expect(names.filter((n) => n.startsWith('publish ') && n !== 'publish deployments.requested.v1').length).toBeGreaterThan(0);
  }, 300_000);
});

async function waitForSpans(exporter: InMemorySpanExporter, done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const spans = exporter.getFinishedSpans();
    if (done(spans)) return spans;
    if (Date.now() > until) throw new Error(`spans so far: ${spans.map((s) => s.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
