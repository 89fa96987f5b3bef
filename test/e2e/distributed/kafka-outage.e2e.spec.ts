import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@deploysphere/contracts';
import { FIXTURE_SITES, tarGzDirectory } from '../../support/builds';
import { KafkaProcess } from '../../support/kafka-process';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// Distributed mode: "Stop Kafka for 10 s while deployments are being requested, then
// start it: every requested deployment completes; the API kept answering meanwhile."
//
// The api and the orchestrator (one Nest app, as `npm start` composes them) on PostgreSQL, with
// events over a DEDICATED Kafka broker (test/support/kafka-process.ts): the shared broker on :9092
// serves other test files running at the same time and is never stopped. Builds are real: the
// process runner runs deploy/builder/build.sh on an uploaded static site.
//
// Timeline: deployments are requested one every REQUEST_EVERY_MS: BEFORE_REQUESTS of them, then the
// broker is killed (kill -9: a crash, no controlled shutdown) and DURING_REQUESTS more are sent; it
// is started again on the same ports and data dir once it was down OUTAGE_MS and those were
// answered (serving again a few seconds, or on a loaded machine a minute, later); then
// AFTER_REQUESTS more. Meanwhile, until AFTER_MS after it serves again, a reader polls GET
// deployment, GET list, /healthz and /readyz. Each phase ends on what happened, not on the clock,
// so a loaded machine that sends requests more slowly runs the same test with the same builds.

jest.setTimeout(420_000);

const REQUEST_EVERY_MS = 300;
const BEFORE_REQUESTS = 5;
const OUTAGE_MS = 10_000;
const DURING_REQUESTS = 25;
const AFTER_REQUESTS = 5;
/** Reads go on this long after the broker serves again. */
const AFTER_MS = 2_000;
/** A phase waiting for answers gives up after this (an API blocked on Kafka never answers). */
const PHASE_BOUND_MS = 60_000;
/**
 * A publish waits this long for a broker that is down (KAFKA_PUBLISH_TIMEOUT_MS): a request that
 * waited on Kafka would take at least that.
 */
const PUBLISH_TIMEOUT_MS = 30_000;
/**
 * Every API answer, Kafka up or down, comes within this: well under PUBLISH_TIMEOUT_MS, well over
 * what a 2-core machine shared with the builds this test causes, other suites and a CPU hog on
 * each core gives (p99 ≈ 1 s unloaded; max seen 7 s under the hog).
 */
const API_BOUND_MS = 15_000;
/** After the broker is back: every deployment READY, the outbox drained. */
const RECOVERY_BOUND_MS = 120_000;

interface Call {
  what: string;
  at: number;
  ms: number;
  status: number;
  kafkaDown: boolean;
  body?: any;
}

describe('Kafka outage while deployments are requested (api + orchestrator, PostgreSQL, dedicated broker)', () => {
  let broker: KafkaProcess;
  let platform: TestPlatform;
  let base: string;
  let token: string;
  const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    broker = await KafkaProcess.launch();
    platform = await startTestPlatform('postgres', {
      KAFKA_BROKERS: broker.brokers,
      KAFKA_CLIENT_ID: `ds-outage-${runId}`,
      KAFKA_GROUP_PREFIX: `test.${runId}.`,
      BUILD_RUNNER: 'process',
      BUILD_CONCURRENCY: '2',
      KAFKA_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
      // Kafka clients log every failed reconnect at warn while the broker is away, by design.
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    });
    const server = platform.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = (await createTeamWithToken(platform, 'Outage')).token;
  }, 300_000);

  afterAll(async () => {
    await platform?.close();
    await broker?.destroy();
  });

  it('keeps the API answering, then builds every requested deployment exactly once and drains the outbox', async () => {
    // Uploaded previews are never superseded (each is somebody's explicit deploy), and a project
    // builds one deployment at a time: three projects let two builds run side by side.
    const projects: string[] = [];
    for (const name of ['Outage A', 'Outage B', 'Outage C']) {
      const res = await api('POST', '/v1/projects', { name });
      expect(res.status).toBe(201);
      projects.push(res.body.id);
    }
    const site = await tarGzDirectory(join(FIXTURE_SITES, 'static-site'));

    const calls: Call[] = [];
    const requested: string[] = [];
    let kafkaDown = false;
    /** POSTs answered, by the broker's state when each was sent. */
    const answered = { before: 0, during: 0, after: 0 };
    let phase: keyof typeof answered = 'before';
    const t0 = Date.now();
    const timed = async (what: string, method: 'GET' | 'POST', path: string, body?: Buffer | object, auth = true): Promise<Call> => {
      const at = Date.now() - t0;
      const down = kafkaDown;
      const started = performance.now();
      const res = await api(method, path, body, auth);
      const call = { what, at, ms: Math.round(performance.now() - started), status: res.status, kafkaDown: down || kafkaDown, body: res.body };
      calls.push(call);
      return call;
    };

    // The outage: kill once requests flow, start again once it lasted OUTAGE_MS and requests were answered meanwhile.
    let backAt = 0;
    let outageAt = 0;
    let outageFailed = false;
    const outage = (async () => {
      await until(() => answered.before >= BEFORE_REQUESTS, 'requests before the outage');
      kafkaDown = true;
      phase = 'during';
      outageAt = Date.now() - t0;
      await broker.stop('SIGKILL');
      const downSince = Date.now();
      await until(() => answered.during >= DURING_REQUESTS && Date.now() - downSince >= OUTAGE_MS, 'requests during the outage');
      await broker.start();
      kafkaDown = false;
      phase = 'after';
      backAt = Date.now() - t0;
    })();
    outage.catch(() => (outageFailed = true));

    // Deployments requested at a steady pace, each request on its own (a slow one does not delay the next).
    const posts: Array<Promise<unknown>> = [];
    let i = 0;
    let sent = 0;
    const quota = { before: BEFORE_REQUESTS, during: DURING_REQUESTS, after: AFTER_REQUESTS };
    const sentIn = { before: 0, during: 0, after: 0 };
    const requester = (async () => {
      while (sentIn.after < AFTER_REQUESTS && !outageFailed) {
        const current = phase;
        // This phase's requests are out: wait for the next.
        if (sentIn[current] >= quota[current]) {
          await sleep(50);
          continue;
        }
        const project = projects[i++ % projects.length];
        sentIn[current]++;
        sent++;
        posts.push(
          timed('POST deployment', 'POST', `/v1/projects/${project}/deployments?target=PREVIEW`, site).then((c) => {
            if (c.status === 202) requested.push(c.body.id);
            answered[current]++;
          }),
        );
        await sleep(REQUEST_EVERY_MS);
      }
    })();

    // Reads at the same time: a deployment, a list, liveness, readiness.
    const reader = (async () => {
      while ((backAt === 0 || Date.now() - t0 < backAt + AFTER_MS) && !outageFailed) {
        const latest = requested.at(-1);
        await Promise.all([
          latest ? timed('GET deployment', 'GET', `/v1/deployments/${latest}`) : undefined,
          timed('GET list', 'GET', `/v1/projects/${projects[0]}/deployments?limit=20`),
          timed('GET /healthz', 'GET', '/healthz', undefined, false),
          timed('GET /readyz', 'GET', '/readyz', undefined, false),
        ]);
        await sleep(REQUEST_EVERY_MS);
      }
    })();

    await Promise.all([outage, requester, reader]);
    await Promise.all(posts);
    const requestsDoneAt = Date.now() - t0;

    // 1. The API answered everything, within the bound, while Kafka was down as well.
    const during = calls.filter((c) => c.kafkaDown);
    const summary = summarize(calls);
    console.log(`API calls (${calls.length}, ${during.length} while Kafka was down; broker back at ${backAt} ms):\n${summary}`);
    // Every request was accepted, those sent while the broker was down included.
    expect(requested).toHaveLength(sent);
    expect(answered.during).toBeGreaterThanOrEqual(DURING_REQUESTS);
    const slowOrFailed = calls.filter((c) => c.ms > API_BOUND_MS || !(c.status >= 200 && c.status < 300));
    expect(slowOrFailed).toEqual([]);
    // Readiness stays 200 (the outbox rides the outage out; a 503 would take every API instance
    // out of rotation at once) and shows the outage: status degraded, transport down.
    const readiness = calls.filter((c) => c.what === 'GET /readyz');
    expect(readiness.filter((c) => c.kafkaDown && c.body?.status === 'degraded' && c.body.checks?.transport === 'down').length).toBeGreaterThan(0);
    expect(readiness.filter((c) => c.body?.checks?.database !== 'up' || (c.body.status === 'degraded') !== (c.body.checks?.transport === 'down'))).toEqual([]);

    // 2. After the broker is back: every requested deployment READY, each built exactly once.
    const deadline = Date.now() + RECOVERY_BOUND_MS;
    let statuses: Record<string, number> = {};
    for (;;) {
      const rows = await platform.prisma.deployment.findMany({ where: { id: { in: requested } }, select: { status: true } });
      statuses = count(rows.map((r) => r.status));
      if (statuses.READY === requested.length) break;
      if (Date.now() > deadline || statuses.FAILED || statuses.CANCELED || statuses.TIMED_OUT) break;
      await sleep(500);
    }
    expect(statuses).toEqual({ READY: requested.length });
    const readyAt = Date.now() - t0;
    const built = await platform.prisma.deployment.findMany({ where: { id: { in: requested } }, select: { createdAt: true, buildingAt: true, readyAt: true } });
    const buildMs = built.map((d) => d.readyAt!.getTime() - d.buildingAt!.getTime()).sort((a, b) => a - b);
    const duringOutage = built.filter((d) => d.readyAt!.getTime() - t0 < backAt).length;

    const events = await platform.prisma.outboxMessage.findMany({ where: { key: { in: requested } }, select: { key: true, type: true, payload: true } });
    const building = count(events.filter((e) => e.type === 'DeploymentStatusChanged.v1' && (e.payload as any).payload.to === 'BUILDING').map((e) => e.key));
    const succeeded = count(events.filter((e) => e.type === 'BuildSucceeded.v1').map((e) => e.key));
    expect(Object.keys(building).sort()).toEqual([...requested].sort());
    expect(new Set(Object.values(building))).toEqual(new Set([1]));
    expect(Object.keys(succeeded).sort()).toEqual([...requested].sort());
    expect(new Set(Object.values(succeeded))).toEqual(new Set([1]));

    // 3. The outbox drains: every row written before, during and after the outage reaches Kafka, in order per key.
    let pending = -1;
    while (Date.now() < deadline) {
      pending = await platform.prisma.outboxMessage.count({ where: { publishedAt: null } });
      if (pending === 0) break;
      await sleep(500);
    }
    expect(pending).toBe(0);
    const drainedAt = Date.now() - t0;
    // Catch-up: when the last row written while Kafka was down reached the broker.
    const backlog = await platform.prisma.outboxMessage.findMany({ where: { createdAt: { lt: new Date(t0 + backAt) } }, select: { publishedAt: true } });
    const caughtUpAt = Math.max(...backlog.map((r) => r.publishedAt!.getTime())) - t0;
    // In order per key: no row reached the broker in a later relay pass than a later row of its
    // key and topic (published_at is the pass's transaction time; one relay, passes in sequence).
    const overtaken = await platform.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM outbox_messages a JOIN outbox_messages b ON a.key = b.key AND a.topic = b.topic
      WHERE (a.created_at, a.id) < (b.created_at, b.id) AND a.published_at > b.published_at`;
    expect(overtaken[0].n).toBe(0);
    const retried = await platform.prisma.outboxMessage.count({ where: { attempts: { gt: 0 } } });

    // 4. The orchestrator consumed every DeploymentRequested from Kafka (its idempotency record)
    // once the broker was back, and readiness is up again.
    const requestedEvents = events.filter((e) => e.type === 'DeploymentRequested.v1').map((e) => (e.payload as any).id as string);
    expect(requestedEvents).toHaveLength(requested.length);
    let consumed = 0;
    while (Date.now() < deadline) {
      consumed = await platform.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: { in: requestedEvents } } });
      if (consumed === requestedEvents.length) break;
      await sleep(500);
    }
    expect(consumed).toBe(requestedEvents.length);
    const consumedAt = Date.now() - t0;
    const ready = await api('GET', '/readyz', undefined, false);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { transport: 'up' } } });

    // On the topic: every request at least once; a copy sent twice (a publish that timed out but
    // had reached the broker) is the at-least-once case the orchestrator must ignore.
    const readStart = Date.now() - t0;
    const onTopic = await readTopic(broker.brokers, Topics.DeploymentRequested, runId);
    const copies = count(onTopic.filter((id) => requestedEvents.includes(id)));
    expect(Object.keys(copies).sort()).toEqual([...requestedEvents].sort());
    const duplicates = Object.values(copies).filter((n) => n > 1).length;

    // 5. Redelivery: every DeploymentRequested is published once more, byte for byte as the relay
    // sent it. The orchestrator consumes them all (its group's commits reach the end of the
    // topic) and builds nothing again.
    const kafka = new Kafka({ clientId: `ds-test-${runId}`, brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const envelopes = events.filter((e) => e.type === 'DeploymentRequested.v1');
    await producer.send({ topic: Topics.DeploymentRequested, messages: envelopes.map((e) => ({ key: e.key, value: JSON.stringify(e.payload) })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const end = await admin.fetchTopicOffsets(Topics.DeploymentRequested);
      let behind = -1;
      while (Date.now() < deadline) {
        const [committed] = await admin.fetchOffsets({ groupId: `test.${runId}.orchestrator`, topics: [Topics.DeploymentRequested] });
        behind = end.reduce((sum, p) => sum + Number(p.offset) - Math.max(0, Number(committed.partitions.find((c) => c.partition === p.partition)?.offset ?? 0)), 0);
        if (behind === 0) break;
        await sleep(250);
      }
      expect(behind).toBe(0);
    } finally {
      await admin.disconnect();
    }
    const after = await platform.prisma.outboxMessage.count({ where: { key: { in: requested }, type: 'DeploymentStatusChanged.v1', payload: { path: ['payload', 'to'], equals: 'BUILDING' } } });
    expect(after).toBe(requested.length);
    expect(await platform.prisma.deployment.count({ where: { id: { in: requested }, status: 'READY' } })).toBe(requested.length);
    expect(await platform.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: { in: requestedEvents } } })).toBe(requestedEvents.length);

    console.log(
      `${requested.length} deployments requested (${during.filter((c) => c.what === 'POST deployment').length} while Kafka was down); ` +
        `broker killed at ${outageAt} ms, serving again at ${backAt} ms; requests done at ${requestsDoneAt} ms, all READY at ${readyAt} ms, ` +
        `outbox drained at ${drainedAt} ms (${retried} rows needed more than one publish attempt; the ${backlog.length} rows written before the broker was back were all published at ${caughtUpAt} ms); every request consumed by the orchestrator at ${consumedAt} ms; ` +
        `topic read from ${readStart} ms, redelivery consumed at ${Date.now() - t0} ms; ` +
        `${duplicates} requests were on the topic more than once before the redelivery step; ` +
        `${duringOutage} were READY before the broker was back; build (BUILDING → READY) median ${buildMs[Math.floor(buildMs.length / 2)]} ms, max ${buildMs.at(-1)} ms; ` +
        `broker starts: ${broker.starts.map((s) => `${s.readyMs} ms${s.cds ? ' (CDS)' : ''}`).join(', ')}`,
    );
  });

  async function api(method: 'GET' | 'POST', path: string, body?: Buffer | object, auth = true): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (auth) headers.Authorization = `Bearer ${token}`;
    let payload: Buffer | string | undefined;
    if (Buffer.isBuffer(body)) {
      headers['Content-Type'] = 'application/gzip';
      payload = body;
    } else if (body) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    try {
      const res = await fetch(`${base}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(API_BOUND_MS * 3) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (err) {
      return { status: 0, body: { error: String(err) } };
    }
  }
});

/** Event ids of every record on `topic`, read from the beginning by a kafkajs consumer of our own. */
async function readTopic(brokers: string, topic: string, runId: string): Promise<string[]> {
  const kafka = new Kafka({ clientId: `ds-test-reader-${runId}`, brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const end = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const ids: string[] = [];
  const consumer = kafka.consumer({ groupId: `test.${runId}.reader` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${ids.length} of ${end} records on ${topic} within 30 s`)), 30_000);
      if (end === 0) resolve();
      void consumer.run({
        eachMessage: async ({ message }) => {
          ids.push(JSON.parse(message.value!.toString('utf8')).id);
          if (ids.length >= end) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

function summarize(calls: Call[]): string {
  const lines: string[] = [];
  for (const what of [...new Set(calls.map((c) => c.what))]) {
    for (const down of [false, true]) {
      const xs = calls.filter((c) => c.what === what && c.kafkaDown === down);
      if (xs.length === 0) continue;
      const ms = xs.map((c) => c.ms).sort((a, b) => a - b);
      const statuses = count(xs.map((c) => String(c.status)));
      lines.push(`  ${what.padEnd(16)} kafka ${down ? 'down' : 'up  '}: ${String(xs.length).padStart(3)} calls, statuses ${JSON.stringify(statuses)}, median ${ms[Math.floor(ms.length / 2)]} ms, max ${ms.at(-1)} ms`);
    }
  }
  return lines.join('\n');
}

function count(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `done` holds; rejects after PHASE_BOUND_MS. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + PHASE_BOUND_MS; !done(); await sleep(50)) {
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${PHASE_BOUND_MS} ms`);
  }
}
