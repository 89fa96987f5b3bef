import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { newId } from '@deploysphere/common';
import { deadLetterTopic, Topics } from '@deploysphere/contracts';
import { FIXTURE_SITES, tarGzDirectory } from '../../support/builds';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// Distributed mode: "A poison message on a topic: it lands in the dead-letter topic,
// later messages are processed."
//
// The api and the orchestrator (one Nest app) on PostgreSQL with events over the shared Kafka
// broker (scripts/services/kafka.sh), as CI runs it. Garbage is produced straight onto the
// topic the orchestrator consumes, deployments.requested.v1, on EVERY partition, past the
// platform's encoding: bytes that are not JSON, an envelope of an unknown type, and a
// DeploymentRequested that breaks its contract. Then a deployment is requested through the API:
// its event lands behind the garbage on its partition, and must be consumed and built.
//
// The broker is shared with other test files running at the same time, and a new consumer group
// reads a topic from the beginning: garbage on the plain deployments.requested.v1 would be read
// (and dead-lettered) by the orchestrator group of every other run, now and later, for the
// topic's whole retention. So the run gets its own topic namespace (KAFKA_TOPIC_PREFIX, as two
// installations sharing a cluster would) and group prefix, and deletes its topics and groups at
// the end.

jest.setTimeout(120_000);

/** The shared broker: KAFKA_BROKERS (scripts/test.sh exports it) or kafka.sh's default address. */
const BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim());

interface DeadLetterRecord {
  key: string;
  partition: number;
  value: {
    id?: string;
    type?: string;
    payload?: unknown;
    raw?: string;
    rawEncoding?: string;
    deadLetter: { group: string; topic: string; reason: string; at: string; partition?: number; offset?: string };
  };
}

describe('poison messages on deployments.requested.v1 (api + orchestrator, PostgreSQL, shared Kafka under a run-unique topic prefix)', () => {
  let platform: TestPlatform;
  let kafka: Kafka;
  let admin: Admin;
  const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const prefix = `test.${runId}.`;
  // On the wire, under the run's prefix; the apps and their dead-letter records use the contract name.
  const TOPIC = prefix + Topics.DeploymentRequested;
  const DLQ = deadLetterTopic(TOPIC);
  const group = `${prefix}orchestrator`;

  beforeAll(async () => {
    for (const b of BROKERS) if (!b.startsWith('127.0.0.1:') && !b.startsWith('localhost:')) throw new Error(`KAFKA_BROKERS must be loopback addresses in tests, got ${b}`);
    kafka = new Kafka({ clientId: `ds-test-${runId}`, brokers: BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } catch (err) {
      throw new Error(`test Kafka unreachable at ${BROKERS.join(',')} (${(err as Error).message}): start it with \`scripts/services/kafka.sh start\` or set KAFKA_BROKERS`);
    }
    platform = await startTestPlatform('postgres', {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_CLIENT_ID: `ds-poison-${runId}`,
      KAFKA_GROUP_PREFIX: prefix,
      KAFKA_TOPIC_PREFIX: prefix,
      BUILD_RUNNER: 'process',
      // ConsumerHost and the transport log every dead letter at error, which is what this test
      // causes (pino here, Nest's console logger below; TEST_LOGS=1 keeps them).
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
    });
    if (!process.env.TEST_LOGS) Logger.overrideLogger(false);
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    if (!admin) return;
    try {
      // The run's topics (every contract topic and its .dlq, created by the platform) and groups.
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  });

  it('dead-letters each poison message with its reason and goes on to the deployment requested after them', async () => {
    const { token, teamId } = await createTeamWithToken(platform, 'Poison');
    const [meta] = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics;
    const partitions = meta.partitions.map((p) => p.partitionId).sort((a, b) => a - b);
    expect(partitions.length).toBeGreaterThan(1);

    // The garbage, on every partition, so whichever partition the real request's key lands on
    // has poison in front of it.
    const notJson = '{"id": "evt_truncated", "type": "DeploymentRequested.v1", "payl';
    const occurredAt = new Date().toISOString();
    const unknownType = (p: number) => ({
      id: `evt_unknown_${runId}_${p}`,
      type: 'DeploymentExploded.v1',
      key: `poison-unknown-type-p${p}`,
      occurredAt,
      correlationId: `poison-${runId}`,
      payload: { deploymentId: `dpl_${'0'.repeat(25)}${p}` },
    });
    const breaksContract = (p: number) => ({
      id: `evt_contract_${runId}_${p}`,
      type: 'DeploymentRequested.v1',
      key: `poison-breaks-contract-p${p}`,
      occurredAt,
      correlationId: `poison-${runId}`,
      payload: { deploymentId: 'not-an-id', projectId: `prj_${'0'.repeat(25)}${p}`, teamId, target: 'MARS', source: 'UPLOAD', requestedAt: 'yesterday' },
    });
    // Not poison: a well-formed request for a deployment this installation does not have (another
    // installation's, or one deleted meanwhile). The orchestrator records it and builds nothing.
    const strangerId = newId('dpl');
    const stranger = {
      id: newId('evt'),
      type: 'DeploymentRequested.v1',
      key: strangerId,
      occurredAt: new Date().toISOString(),
      correlationId: `poison-${runId}`,
      payload: { deploymentId: strangerId, projectId: newId('prj'), teamId, target: 'PREVIEW', source: 'UPLOAD', requestedAt: new Date().toISOString() },
    };
    // One request per partition: a partition the platform has just created can still answer
    // NOT_LEADER, and a retried request spanning partitions would write the others twice.
    const producer = kafka.producer({ retry: { retries: 10, initialRetryTime: 200 } });
    await producer.connect();
    for (const p of partitions) {
      await producer.send({
        topic: TOPIC,
        messages: [
          { partition: p, key: `poison-not-json-p${p}`, value: notJson },
          { partition: p, key: `poison-unknown-type-p${p}`, value: JSON.stringify(unknownType(p)) },
          { partition: p, key: `poison-breaks-contract-p${p}`, value: JSON.stringify(breaksContract(p)) },
        ],
      });
    }
    await producer.send({ topic: TOPIC, messages: [{ key: strangerId, value: JSON.stringify(stranger) }] });
    await producer.disconnect();
    const poisonCount = partitions.length * 3;

    // A real deployment requested after the garbage, through the API.
    const project = await platform.as(token).post('/v1/projects').send({ name: 'After the poison' }).expect(201);
    const site = await tarGzDirectory(join(FIXTURE_SITES, 'static-site'));
    const created = await platform.as(token).post(`/v1/projects/${project.body.id}/deployments`).set('Content-Type', 'application/gzip').send(site).expect(202);
    const deploymentId = created.body.id as string;
    const requestEvent = await platform.prisma.outboxMessage.findFirstOrThrow({ where: { key: deploymentId, type: 'DeploymentRequested.v1' } });
    const requestEventId = (requestEvent.payload as { id: string }).id;

    // It is consumed — from Kafka, behind the garbage on its partition — and built.
    const deadline = Date.now() + 60_000;
    let status = '';
    let consumed = false;
    while (Date.now() < deadline) {
      status = (await platform.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).status;
      consumed = (await platform.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: requestEventId } })) === 1;
      if (consumed && ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'].includes(status)) break;
      await sleep(250);
    }
    expect({ status, consumed }).toEqual({ status: 'READY', consumed: true });
    const onTopic = await readAll(kafka, TOPIC, runId, poisonCount + 2);
    const landed = onTopic.find((r) => r.key === deploymentId);
    expect(landed).toBeDefined();
    const ahead = onTopic.filter((r) => r.partition === landed!.partition && r.key.startsWith('poison-') && BigInt(r.offset) < BigInt(landed!.offset));
    expect(ahead.map((r) => r.key).sort()).toEqual([`poison-breaks-contract-p${landed!.partition}`, `poison-not-json-p${landed!.partition}`, `poison-unknown-type-p${landed!.partition}`]);

    // The orchestrator's group has committed past everything on the topic: nothing is stuck.
    const end = await admin.fetchTopicOffsets(TOPIC);
    let behind = -1;
    while (Date.now() < deadline) {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
      behind = end.reduce((sum, p) => sum + Number(p.offset) - Math.max(0, Number(committed.partitions.find((c) => c.partition === p.partition)?.offset ?? 0)), 0);
      if (behind === 0) break;
      await sleep(250);
    }
    expect(behind).toBe(0);

    // Each poison message is on the dead-letter topic once, with its reason; nothing else is.
    const dead = (await readAll(kafka, DLQ, runId, poisonCount)).map((r) => ({ ...r, value: JSON.parse(r.value) as DeadLetterRecord['value'] }));
    expect(dead.map((d) => d.key).sort()).toEqual(partitions.flatMap((p) => [`poison-breaks-contract-p${p}`, `poison-not-json-p${p}`, `poison-unknown-type-p${p}`]).sort());
    for (const p of partitions) {
      const byKey = (key: string) => dead.find((d) => d.key === key)!.value;
      // Bytes no handler could be given: dead-lettered by the transport, with the bytes.
      expect(byKey(`poison-not-json-p${p}`)).toEqual({
        deadLetter: { group: 'orchestrator', topic: TOPIC, reason: expect.stringMatching(/^MalformedMessage: value is not JSON \(/), at: expect.any(String), partition: p, offset: expect.any(String) },
        raw: notJson,
        rawEncoding: 'utf8',
      });
      // Decoded but not a valid event: dead-lettered by the ConsumerHost without reaching the handler, the envelope kept.
      expect(byKey(`poison-unknown-type-p${p}`)).toEqual({
        ...unknownType(p),
        deadLetter: { group: 'orchestrator', topic: Topics.DeploymentRequested, reason: 'ContractViolation: Unknown event type "DeploymentExploded.v1"', at: expect.any(String) },
      });
      expect(byKey(`poison-breaks-contract-p${p}`)).toEqual({
        ...breaksContract(p),
        deadLetter: { group: 'orchestrator', topic: Topics.DeploymentRequested, reason: expect.stringMatching(/^ContractViolation: DeploymentRequested\.v1: invalid payload \(.*deploymentId: .*target: .*requestedAt: /), at: expect.any(String) },
      });
    }

    // The well-formed request for an unknown deployment was consumed (recorded once) and ignored:
    // not dead-lettered, no deployment appeared; the real one is the only deployment.
    expect(await platform.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: stranger.id } })).toBe(1);
    expect((await platform.prisma.deployment.findMany({ select: { id: true } })).map((d) => d.id)).toEqual([deploymentId]);

    // The consumer is alive and well: readiness up, transport included.
    const ready = await platform.anonymous().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { transport: 'up' } });
    console.log(`${poisonCount} poison messages on ${partitions.length} partitions dead-lettered; deployment ${deploymentId} (partition ${landed!.partition}) READY`);
  });
});

/** Every record on `topic` (at least `atLeast`), read from the beginning by a kafkajs consumer of our own. */
async function readAll(kafka: Kafka, topic: string, runId: string, atLeast: number): Promise<Array<{ key: string; partition: number; offset: string; value: string }>> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + 30_000;
  let total = 0;
  for (;;) {
    total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    if (total >= atLeast || Date.now() > deadline) break;
    await sleep(200);
  }
  await admin.disconnect();
  const records: Array<{ key: string; partition: number; offset: string; value: string }> = [];
  const consumer = kafka.consumer({ groupId: `test.${runId}.reader-${randomBytes(3).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${total} records on ${topic} within 30 s`)), 30_000);
      if (total === 0) resolve();
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ key: message.key?.toString('utf8') ?? '', partition, offset: message.offset, value: message.value?.toString('utf8') ?? '' });
          if (records.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
