import 'reflect-metadata';
import { newId } from '@deploysphere/common';
import { deadLetterTopic, DeploymentRequestedV1, type EventEnvelope } from '@deploysphere/contracts';
import { ConsumerHost, DEFAULT_MESSAGING_OPTIONS, type BatchConsumer, type MessageBatch, type MessageTransport, type MessagingOptions } from '@deploysphere/messaging';

/** What the shared suite needs from one adapter under test. */
export interface TransportHarness {
  /** A started transport; the suite closes it. */
  create(): Promise<MessageTransport>;
  /** Unique per test run, so a shared broker never answers from an earlier run. */
  topic(name: string): string;
  group(name: string): string;
}

export const TEST_MESSAGING: MessagingOptions = { ...DEFAULT_MESSAGING_OPTIONS, relay: false, maxAttempts: 3, retryBaseMs: 10 };

/** A valid DeploymentRequested.v1 envelope; `key` doubles as the deployment id. */
export function requested(key: string = newId('dpl')): EventEnvelope<DeploymentRequestedV1> {
  const now = new Date().toISOString();
  return {
    id: newId('evt'),
    type: DeploymentRequestedV1.type,
    key,
    occurredAt: now,
    correlationId: newId('req'),
    payload: { deploymentId: key, projectId: newId('prj'), teamId: newId('team'), target: 'PREVIEW', source: 'UPLOAD', requestedAt: now },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds; fails with `what` and the last state when it does not in time. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000, state?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? `: ${JSON.stringify(state())}` : ''}`);
    await sleep(25);
  }
}

export interface DeadLetterRecord {
  id?: string;
  type?: string;
  deadLetter: { group: string; topic: string; reason: string; at: string };
  raw?: string;
  rawEncoding?: string;
}

/** Collects what lands on `<topic>.dlq`, through the transport itself (no ConsumerHost: raw records). */
export async function readDeadLetters(transport: MessageTransport, topic: string, group: string): Promise<DeadLetterRecord[]> {
  const records: DeadLetterRecord[] = [];
  await transport.subscribe({
    group,
    topics: [deadLetterTopic(topic)],
    handler: async (m) => void records.push(m.envelope as unknown as DeadLetterRecord),
  });
  return records;
}

/**
 * The behaviour every MessageTransport adapter must have, with the ConsumerHost in front of it as
 * the apps use it: delivery to every group, load sharing inside a group, order per key, bounded
 * retries then the dead-letter topic, malformed messages dead-lettered, a graceful close.
 */
export function describeMessageTransport(name: string, harness: () => TransportHarness): void {
  describe(`MessageTransport behaviour: ${name}`, () => {
    let h: TransportHarness;
    const open: MessageTransport[] = [];
    const create = async () => {
      const t = await h.create();
      open.push(t);
      return t;
    };

    beforeAll(() => {
      h = harness();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((t) => t.close()));
    });

    it('is ready while open and not after close()', async () => {
      const t = await create();
      expect(t.isReady()).toBe(true);
      await t.close();
      expect(t.isReady()).toBe(false);
    });

    it('delivers every message to every consumer group', async () => {
      const t = await create();
      const topic = h.topic('fanout');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const seen: Record<'a' | 'b', string[]> = { a: [], b: [] };
      await consumers.consume(h.group('fanout-a'), [topic], async (_e, env) => void seen.a.push(env.id));
      await consumers.consume(h.group('fanout-b'), [topic], async (_e, env) => void seen.b.push(env.id));

      const keys = Array.from({ length: 5 }, () => newId('dpl'));
      const events = Array.from({ length: 20 }, (_, i) => requested(keys[i % keys.length]));
      await t.publish(events.slice(0, 10).map((e) => ({ topic, key: e.key, value: e })));
      await t.publish(events.slice(10).map((e) => ({ topic, key: e.key, value: e })));

      await waitFor('both groups to receive 20', () => seen.a.length >= 20 && seen.b.length >= 20, 30_000, () => [seen.a.length, seen.b.length]);
      await sleep(300); // a duplicate would show up now
      const ids = events.map((e) => e.id).sort();
      expect([...seen.a].sort()).toEqual(ids);
      expect([...seen.b].sort()).toEqual(ids);
    });

    it("starts a new group at the topic's beginning by default, and with startFrom 'latest' at what is published once subscribe() resolved", async () => {
      const t = await create();
      const topic = h.topic('start');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const key = newId('dpl'); // one key: one partition, so the order is defined
      const before = requested(key);
      await t.publish([{ topic, key, value: before }]);

      const earliest: string[] = [];
      const latest: string[] = [];
      await consumers.consume(h.group('start-earliest'), [topic], async (_e, env) => void earliest.push(env.id));
      await consumers.consume(h.group('start-latest'), [topic], async (_e, env) => void latest.push(env.id), { startFrom: 'latest' });
      // Published the moment subscribe() resolved, with no pause: the position is fixed by then.
      const after = requested(key);
      await t.publish([{ topic, key, value: after }]);

      await waitFor('both groups to receive the later message', () => earliest.includes(after.id) && latest.includes(after.id), 30_000, () => ({ earliest, latest }));
      await sleep(300); // a late replay or duplicate would show up now
      expect(earliest).toEqual([before.id, after.id]);
      expect(latest).toEqual([after.id]);
    });

    it('shares a group between its subscribers, each message handled once', async () => {
      const t = await create();
      const topic = h.topic('shared');
      const group = h.group('shared');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const bySubscriber: string[][] = [[], []];
      await consumers.consume(group, [topic], async (_e, env) => void bySubscriber[0].push(env.id));
      await consumers.consume(group, [topic], async (_e, env) => void bySubscriber[1].push(env.id));

      const events = Array.from({ length: 60 }, () => requested());
      await t.publish(events.map((e) => ({ topic, key: e.key, value: e })));

      const total = () => bySubscriber[0].length + bySubscriber[1].length;
      await waitFor('60 messages handled', () => total() >= 60, 30_000, () => bySubscriber.map((s) => s.length));
      await sleep(300);
      const handled = [...bySubscriber[0], ...bySubscriber[1]];
      expect(handled).toHaveLength(60);
      expect(new Set(handled).size).toBe(60);
      expect(bySubscriber[0].length).toBeGreaterThan(0);
      expect(bySubscriber[1].length).toBeGreaterThan(0);
    });

    it("keeps one key's messages in publish order, also while the group shares the load", async () => {
      const t = await create();
      const topic = h.topic('ordered');
      const group = h.group('ordered');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const sequence = new Map<string, number>();
      const received = new Map<string, number[]>();
      const handler = async (_e: object, env: EventEnvelope) => {
        await sleep(Math.random() * 3); // uneven handler times must not reorder a key
        const list = received.get(env.key) ?? [];
        list.push(sequence.get(env.id)!);
        received.set(env.key, list);
      };
      await consumers.consume(group, [topic], handler);
      await consumers.consume(group, [topic], handler);

      const keys = Array.from({ length: 3 }, () => newId('dpl'));
      const events: EventEnvelope[] = [];
      for (let i = 0; i < 30; i++) {
        for (const key of keys) {
          const e = requested(key);
          sequence.set(e.id, i);
          events.push(e);
        }
      }
      for (let i = 0; i < events.length; i += 9) {
        await t.publish(events.slice(i, i + 9).map((e) => ({ topic, key: e.key, value: e })));
      }

      const count = () => [...received.values()].reduce((n, l) => n + l.length, 0);
      await waitFor('90 messages handled', () => count() >= 90, 30_000, count);
      for (const key of keys) expect(received.get(key)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });

    it('retries a failing handler, dead-letters it with the reason after the last attempt, and goes on', async () => {
      const t = await create();
      const topic = h.topic('failing');
      const group = h.group('failing');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const deadLetters = await readDeadLetters(t, topic, h.group('failing-dlq'));
      const key = newId('dpl');
      const [before, flaky, poison, after] = [requested(key), requested(key), requested(key), requested(key)];
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      await consumers.consume(group, [topic], async (_e, env) => {
        const n = (attempts.get(env.id) ?? 0) + 1;
        attempts.set(env.id, n);
        if (env.id === poison.id) throw new Error('build runner unavailable');
        if (env.id === flaky.id && n < 3) throw new Error('transient');
        handled.push(env.id);
      });

      await t.publish([before, flaky, poison, after].map((e) => ({ topic, key, value: e })));

      await waitFor('the later message to be handled', () => handled.includes(after.id), 30_000, () => handled);
      await waitFor('the poison message in the dead-letter topic', () => deadLetters.length >= 1, 30_000);
      await sleep(300);
      expect(handled).toEqual([before.id, flaky.id, after.id]);
      expect(attempts.get(poison.id)).toBe(TEST_MESSAGING.maxAttempts);
      expect(attempts.get(flaky.id)).toBe(3);
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]).toMatchObject({
        id: poison.id,
        type: poison.type,
        deadLetter: { group, topic, reason: 'Error: build runner unavailable' },
      });
    });

    it('dead-letters a message that breaks its contract without calling the handler', async () => {
      const t = await create();
      const topic = h.topic('contract');
      const group = h.group('contract');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const deadLetters = await readDeadLetters(t, topic, h.group('contract-dlq'));
      const key = newId('dpl');
      const unknownType = { ...requested(key), type: 'DeploymentExploded.v9' };
      const invalid = requested(key);
      (invalid.payload as { deploymentId: string }).deploymentId = 'not-an-id';
      const valid = requested(key);
      const handled: string[] = [];
      await consumers.consume(group, [topic], async (_e, env) => void handled.push(env.id));

      await t.publish([unknownType, invalid, valid].map((e) => ({ topic, key, value: e })));

      await waitFor('the valid message to be handled', () => handled.includes(valid.id), 30_000);
      await waitFor('two dead letters', () => deadLetters.length >= 2, 30_000);
      await sleep(300);
      expect(handled).toEqual([valid.id]);
      expect(deadLetters.map((d) => d.id)).toEqual([unknownType.id, invalid.id]);
      expect(deadLetters[0].deadLetter.reason).toMatch(/Unknown event type "DeploymentExploded.v9"/);
      expect(deadLetters[1].deadLetter.reason).toMatch(/DeploymentRequested.v1: invalid payload \(deploymentId:/);
    });

    describe('batch subscription (explicit acknowledgement)', () => {
      /** A member that records every batch it is handed and acks only when told to. */
      const member = async (t: MessageTransport, group: string, topic: string, options: { ackAll?: boolean; failFirst?: boolean } = {}) => {
        const batches: MessageBatch[] = [];
        let failed = false;
        const consumer: BatchConsumer = await t.subscribeBatch({
          group,
          topics: [topic],
          handler: async (batch) => {
            if (options.failFirst && !failed) {
              failed = true;
              batches.push(batch);
              throw new Error('store unavailable');
            }
            batches.push(batch);
            if (options.ackAll) batch.ack();
          },
        });
        const ids = () => batches.flatMap((b) => b.messages.map((m) => m.envelope.id));
        return { consumer, batches, ids };
      };
      const publishOne = (t: MessageTransport, topic: string, e: EventEnvelope) => t.publish([{ topic, key: e.key, value: e }]);

      it("hands over whole runs in order per key; what was acked is not delivered again to the group's next member, what was not is", async () => {
        const t = await create();
        const topic = h.topic('batch-acked');
        const group = h.group('batch-acked');
        const key = newId('dpl');
        const acked = Array.from({ length: 10 }, () => requested(key));
        const held = Array.from({ length: 10 }, () => requested(key));
        const a = await member(t, group, topic);
        await t.publish(acked.map((e) => ({ topic, key, value: e })));
        await waitFor('the first ten', () => a.ids().length >= 10, 30_000, a.ids);
        a.batches.forEach((b) => b.ack());
        await t.publish(held.map((e) => ({ topic, key, value: e })));
        await waitFor('all twenty', () => a.ids().length >= 20, 30_000, a.ids);
        expect(a.ids()).toEqual([...acked, ...held].map((e) => e.id));
        expect(a.batches.every((b) => b.topic === topic && b.messages.every((m) => m.topic === topic && m.key === key))).toBe(true);
        await a.consumer.close();

        const b = await member(t, group, topic, { ackAll: true });
        await waitFor('the ten not acked', () => b.ids().length >= 10, 30_000, b.ids);
        await sleep(300);
        expect(b.ids()).toEqual(held.map((e) => e.id));
      });

      it('counts an ack made after the handler resolved, and out of order only up to the first batch not acked', async () => {
        const t = await create();
        const topic = h.topic('batch-late');
        const group = h.group('batch-late');
        const key = newId('dpl');
        const events = [requested(key), requested(key), requested(key)];
        const a = await member(t, group, topic);
        for (const [i, e] of events.entries()) {
          await publishOne(t, topic, e);
          await waitFor(`batch ${i + 1}`, () => a.batches.length > i, 30_000, () => a.batches.length);
        }
        // The handler resolved for each long ago; the first and third are acked now, the second never.
        a.batches[2].ack();
        a.batches[0].ack();
        await a.consumer.close();

        const b = await member(t, group, topic, { ackAll: true });
        await waitFor('the redelivery', () => b.ids().length >= 2, 30_000, b.ids);
        await sleep(300);
        expect(b.ids()).toEqual([events[1].id, events[2].id]);
      });

      it('pause() stops deliveries while acks of what was delivered still count', async () => {
        const t = await create();
        const topic = h.topic('batch-pause');
        const group = h.group('batch-pause');
        const key = newId('dpl');
        const [first, second] = [requested(key), requested(key)];
        const a = await member(t, group, topic);
        await publishOne(t, topic, first);
        await waitFor('the first batch', () => a.batches.length === 1, 30_000);
        await a.consumer.pause();
        await publishOne(t, topic, second);
        await sleep(1_500);
        expect(a.ids()).toEqual([first.id]);
        a.batches[0].ack();
        await a.consumer.close();

        const b = await member(t, group, topic, { ackAll: true });
        await waitFor('the message published while paused', () => b.ids().length >= 1, 30_000);
        await sleep(300);
        expect(b.ids()).toEqual([second.id]);
      });

      it('delivers a batch again when its handler threw', async () => {
        const t = await create();
        const topic = h.topic('batch-retry');
        const key = newId('dpl');
        const events = [requested(key), requested(key)];
        const a = await member(t, h.group('batch-retry'), topic, { failFirst: true, ackAll: true });
        await t.publish(events.map((e) => ({ topic, key, value: e })));
        await waitFor('a second delivery', () => a.batches.length >= 2 && a.ids().filter((id) => id === events[1].id).length >= 2, 30_000, a.ids);
        const [failedRun, ...rest] = a.batches.map((b) => b.messages.map((m) => m.envelope.id));
        expect(rest.flat().slice(0, failedRun.length)).toEqual(failedRun);
        expect(new Set(a.ids())).toEqual(new Set(events.map((e) => e.id)));
      });

      it('every group gets every message; the members of one group share them, each message once', async () => {
        const t = await create();
        const topic = h.topic('batch-groups');
        const group = h.group('batch-groups');
        const [a1, a2, other] = [await member(t, group, topic, { ackAll: true }), await member(t, group, topic, { ackAll: true }), await member(t, h.group('batch-other'), topic, { ackAll: true })];
        const events = Array.from({ length: 30 }, () => requested());
        await t.publish(events.map((e) => ({ topic, key: e.key, value: e })));
        await waitFor('both groups to have all', () => a1.ids().length + a2.ids().length >= 30 && other.ids().length >= 30, 30_000, () => [a1.ids().length, a2.ids().length, other.ids().length]);
        await sleep(300);
        const ids = events.map((e) => e.id).sort();
        expect([...a1.ids(), ...a2.ids()].sort()).toEqual(ids);
        expect([...other.ids()].sort()).toEqual(ids);
      });
    });

    it('close() lets the handler in progress finish, then handles and publishes nothing more', async () => {
      const t = await create();
      const topic = h.topic('closing');
      const consumers = new ConsumerHost(t, TEST_MESSAGING);
      const started: string[] = [];
      const finished: string[] = [];
      await consumers.consume(h.group('closing'), [topic], async (_e, env) => {
        started.push(env.id);
        await sleep(400);
        finished.push(env.id);
      });
      const key = newId('dpl');
      await t.publish([requested(key), requested(key), requested(key)].map((e) => ({ topic, key, value: e })));
      await waitFor('a handler to start', () => started.length > 0, 30_000);

      await t.close();

      expect(finished).toEqual(started);
      const after = started.length;
      await sleep(500);
      expect(started).toHaveLength(after);
      await expect(t.publish([{ topic, key, value: requested(key) }])).rejects.toThrow('transport is closed');
    });
  });
}
