import 'reflect-metadata';
import { newId } from '@deploysphere/common';
import { deadLetterTopic } from '@deploysphere/contracts';
import { ConsumerHost, InMemoryTransport, type MessageTransport } from '@deploysphere/messaging';
import { freePort } from '../../support/ports';
import { KafkaTestBroker } from './kafka-test-broker';
import { describeMessageTransport, readDeadLetters, requested, sleep, TEST_MESSAGING, waitFor } from './transport.behaviour';

// One behavioural suite, run against both adapters; then what only Kafka can show (bytes that are
// not JSON, commits surviving a restart, heartbeats during a long handler, a broker that is down).
jest.setTimeout(60_000);

let names = 0;
describeMessageTransport('in-memory', () => ({
  create: async () => new InMemoryTransport(),
  topic: (name) => `test.${name}.${names++}.v1`,
  group: (name) => `${name}-${names++}`,
}));

const broker = new KafkaTestBroker();
beforeAll(() => broker.connect());
afterAll(() => broker.cleanup());

let kafkaNames = 0;
describeMessageTransport('kafka', () => ({
  create: () => broker.transport(),
  topic: (name) => broker.topic(`${name}-${kafkaNames++}`),
  group: (name) => `${name}-${kafkaNames++}`,
}));

describe('KafkaTransport', () => {
  const open: MessageTransport[] = [];
  const transport = async (...args: Parameters<KafkaTestBroker['transport']>) => {
    const t = await broker.transport(...args);
    open.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  it('dead-letters values that are not a JSON object with their bytes and the reason, and the partition moves on', async () => {
    const t = await transport();
    const topic = broker.topic('raw');
    const group = 'raw';
    const consumers = new ConsumerHost(t, TEST_MESSAGING);
    const deadLetters = await readDeadLetters(t, topic, 'raw-dlq');
    const handled: string[] = [];
    await consumers.consume(group, [topic], async (_e, env) => void handled.push(env.id));
    const key = newId('dpl');
    const valid = requested(key);

    await broker.produceRaw(topic, [
      { key, value: '{"id": "evt_1", "type": ' },
      { key, value: Buffer.from([0xff, 0x00, 0xfe]) },
      { key, value: '"just a string"' },
      { key, value: JSON.stringify(valid) },
    ]);

    await waitFor('the valid message after the broken ones', () => handled.includes(valid.id), 30_000);
    await waitFor('three dead letters', () => deadLetters.length >= 3, 30_000);
    expect(handled).toEqual([valid.id]);
    expect(deadLetters.map((d) => [d.raw, d.rawEncoding])).toEqual([
      ['{"id": "evt_1", "type": ', 'utf8'],
      [Buffer.from([0xff, 0x00, 0xfe]).toString('base64'), 'base64'],
      ['"just a string"', 'utf8'],
    ]);
    expect(deadLetters[0].deadLetter).toMatchObject({ group, topic, reason: expect.stringMatching(/^MalformedMessage: value is not JSON/) });
    expect(deadLetters[2].deadLetter.reason).toBe('MalformedMessage: value is not a JSON object');
  });

  it('commits what was handled before close(): the next instance of the group resumes after it, nothing twice', async () => {
    const topic = broker.topic('resume');
    const group = 'resume';
    const events = Array.from({ length: 12 }, () => requested());
    const first: string[] = [];
    const second: string[] = [];

    const a = await transport();
    await new ConsumerHost(a, TEST_MESSAGING).consume(group, [topic], async (_e, env) => {
      await sleep(150);
      first.push(env.id);
    });
    await a.publish(events.map((e) => ({ topic, key: e.key, value: e })));
    await waitFor('a few messages handled by the first instance', () => first.length >= 3, 30_000);
    await a.close();
    expect(first.length).toBeLessThan(events.length);

    const b = await transport();
    await new ConsumerHost(b, TEST_MESSAGING).consume(group, [topic], async (_e, env) => void second.push(env.id));
    await waitFor('the rest handled by the second instance', () => first.length + second.length >= events.length, 30_000, () => [first.length, second.length]);
    await sleep(500);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect([...first, ...second].sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("commits a 'latest' group's position before it joins: what is published while no member runs goes to the next member", async () => {
    const topic = broker.topic('latest-kept');
    const group = 'latest-kept';
    const old = requested();
    const a = await transport();
    await a.publish([{ topic, key: old.key, value: old }]);
    const seenByA: string[] = [];
    await new ConsumerHost(a, TEST_MESSAGING).consume(group, [topic], async (_e, env) => void seenByA.push(env.id), { startFrom: 'latest' });
    // Nothing was handled, so the consumer itself committed nothing: only the position fixed at
    // subscribe() remains. (kafkajs' fromBeginning: false alone would look the end up again.)
    await a.close();

    const whileDown = Array.from({ length: 12 }, () => requested()); // several keys: every partition
    const b = await transport();
    await b.publish(whileDown.map((e) => ({ topic, key: e.key, value: e })));
    const seenByB: string[] = [];
    await new ConsumerHost(b, TEST_MESSAGING).consume(group, [topic], async (_e, env) => void seenByB.push(env.id), { startFrom: 'latest' });

    await waitFor('the messages published while the group had no member', () => seenByB.length >= whileDown.length, 30_000, () => seenByB.length);
    await sleep(500);
    expect(seenByA).toEqual([]);
    expect([...seenByB].sort()).toEqual(whileDown.map((e) => e.id).sort());
  });

  it('keeps the consumer in its group while a handler runs longer than the session timeout', async () => {
    const t = await transport({ sessionTimeoutMs: 6_000 });
    const topic = broker.topic('long');
    const calls: string[] = [];
    await new ConsumerHost(t, TEST_MESSAGING).consume('long', [topic], async (_e, env) => {
      calls.push(env.id);
      if (calls.length === 1) await sleep(9_000);
    });
    const slow = requested();
    const next = requested(slow.key);
    await t.publish([slow, next].map((e) => ({ topic, key: e.key, value: e })));

    await waitFor('both messages handled', () => calls.includes(next.id), 40_000, () => calls);
    await sleep(1_000);
    // Without heartbeats the broker would have evicted the member after 6 s, the commit would
    // have failed and the slow message would have been delivered again.
    expect(calls).toEqual([slow.id, next.id]);
  });

  it('creates its topics and their dead-letter topics at start-up with the configured partitions', async () => {
    const topics = [broker.topic('created-a'), broker.topic('created-b')];
    await transport({ topics, partitions: 3 });
    expect(await broker.partitions([...topics, ...topics.map(deadLetterTopic)])).toEqual(
      Object.fromEntries([...topics, ...topics.map(deadLetterTopic)].map((t) => [t, 3])),
    );
  });

  it('sends the key, and the event type and ids as headers, in the format Nest\'s Kafka transport reads', async () => {
    const t = await transport();
    const topic = broker.topic('wire');
    const event = requested();
    await t.publish([{ topic, key: event.key, value: event }]);
    const record = await broker.consumeOne(topic);
    expect(record.key).toBe(event.key);
    expect(JSON.parse(record.value)).toEqual(event);
    expect(record.headers).toEqual({
      'content-type': 'application/json',
      'event-type': event.type,
      'event-id': event.id,
      'correlation-id': event.correlationId,
    });
  });

  it('is not ready and fails a publish within its deadline when no broker answers', async () => {
    const port = await freePort();
    const t = await transport({ brokers: [`127.0.0.1:${port}`], publishTimeoutMs: 2_000 });
    expect(t.isReady()).toBe(false);
    const started = Date.now();
    await expect(t.publish([{ topic: broker.topic('nowhere'), key: 'k', value: requested() }])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(t.isReady()).toBe(false);
  });
});
