import { Logger } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport, type IncomingMessage } from '@deploysphere/messaging';
import { KafkaProcess } from '../../support/kafka-process';

// A consumer group after its broker was killed and started again: kafkajs restarts the crashed
// consumer as a new member, and the rebalance used to wait for the old member's session to
// expire (KAFKA_SESSION_TIMEOUT_MS, 30 s by default) before anything was consumed again. The
// transport now removes the old member as soon as the coordinator answers
// (libs/messaging/src/transport/kafka-member-eviction.ts).
//
// On a DEDICATED broker (test/support/kafka-process.ts): the shared one on :9092 is never stopped.

if (!process.env.TEST_LOGS) Logger.overrideLogger(false);
jest.setTimeout(120_000);

const SESSION_TIMEOUT_MS = 30_000;
const TOPIC = 'restart.events.v1';

describe('Kafka transport across a broker crash and restart (dedicated broker)', () => {
  let broker: KafkaProcess;
  let publisher: KafkaTransport;
  let consumer: KafkaTransport;

  beforeAll(async () => {
    broker = await KafkaProcess.launch();
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([consumer?.close(), publisher?.close()]);
    await broker?.destroy();
  });

  it('resumes consuming within seconds of the broker being back, not after the session timeout', async () => {
    const options = {
      brokers: [broker.brokers],
      clientId: 'ds-test-restart',
      groupPrefix: 'test.',
      partitions: 3,
      replicationFactor: 1,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      publishTimeoutMs: 5_000,
      topics: [TOPIC],
    };
    publisher = new KafkaTransport(options);
    consumer = new KafkaTransport(options);
    await Promise.all([publisher.start(), consumer.start()]);
    const received: Array<{ id: string; at: number }> = [];
    await consumer.subscribe({ group: 'restart', topics: [TOPIC], handler: async (m: IncomingMessage) => void received.push({ id: m.envelope.id, at: Date.now() }) });
    const send = (id: string) => publisher.publish([{ topic: TOPIC, key: id, value: { id, type: 'Test.v1', key: id, occurredAt: new Date().toISOString(), correlationId: id, payload: {} } }]);

    await send('before');
    await until(() => received.some((r) => r.id === 'before'), 20_000, 'the first message');

    await broker.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 3_000));
    await broker.start();
    const backAt = Date.now();

    // The first publish after the restart may still meet the old connections; the outbox relay retries the same way.
    await until(async () => send('after').then(() => true, () => false), 20_000, 'a publish after the restart');
    await until(() => received.some((r) => r.id === 'after'), 45_000, 'the message published after the restart');
    const resumedMs = received.find((r) => r.id === 'after')!.at - backAt;
    console.log(`consumed again ${resumedMs} ms after the broker was back (session timeout ${SESSION_TIMEOUT_MS} ms; broker starts ${broker.starts.map((s) => s.readyMs).join(', ')} ms)`);
    expect(resumedMs).toBeLessThan(SESSION_TIMEOUT_MS / 2);

    // One member left in the group: the crashed consumer's membership is gone.
    const admin = new Kafka({ clientId: 'ds-test-restart-admin', brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups(['test.restart']);
      expect(groups[0]).toMatchObject({ state: 'Stable' });
      expect(groups[0].members).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
