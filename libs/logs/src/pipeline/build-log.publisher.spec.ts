import type { AccessLogBatchV1, BuildLogBatchV1 } from '@deploysphere/contracts';
import type { BuildLogLine } from '../build-log';
import { InMemoryLiveLogBus } from '../live/in-memory-live-log.bus';
import { BuildLogPublisher } from './build-log.publisher';
import type { LogTopicPublisher } from './log-topics.port';

/** Resolves once `check` holds; polls, because the machine may be slow to run a timer. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const A = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2a';
const B = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2b';
const line = (deploymentId: string, seq: number, extra: Partial<BuildLogLine> = {}): BuildLogLine => ({
  deploymentId,
  seq,
  ts: '2026-11-26T17:00:00.5+01:00',
  stream: 'stdout',
  message: `line ${seq}`,
  ...extra,
});

class FakeTopics implements LogTopicPublisher {
  readonly name = 'fake';
  sent: BuildLogBatchV1[] = [];
  failures = 0;
  async publishBuild(batches: readonly BuildLogBatchV1[]) {
    if (this.failures-- > 0) throw new Error('broker down');
    this.sent.push(...batches);
  }
  async publishAccess(_: readonly AccessLogBatchV1[]) {}
}

describe('BuildLogPublisher (the runner\'s LogSink)', () => {
  const bus = new InMemoryLiveLogBus({ maxLines: 1000, ttlSeconds: 60 });
  afterAll(() => bus.close());

  it('puts lines on the live channel by the time write resolves, and batches them per deployment to the topic', async () => {
    const topics = new FakeTopics();
    const publisher = new BuildLogPublisher(bus, topics, { flushIntervalMs: 10_000 });
    await publisher.write([line(A, 1), line(B, 1), line(A, 2)]);
    expect((await bus.recent(A, 1, 10)).lines.map((l) => l.seq)).toEqual([1, 2]);
    expect(topics.sent).toEqual([]);
    await publisher.flush();
    expect(topics.sent.map((b) => [b.deploymentId, b.lines.map((l) => l.seq)])).toEqual([
      [A, [1, 2]],
      [B, [1]],
    ]);
  });

  it('normalises time, NUL characters and over-long messages the same way for both paths', async () => {
    const topics = new FakeTopics();
    const publisher = new BuildLogPublisher(bus, topics);
    const C = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2c';
    await publisher.write([line(C, 1, { message: `a\0b${'x'.repeat(20_000)}` })]);
    await publisher.flush();
    const live = (await bus.recent(C, 1, 1)).lines[0];
    const sent = topics.sent[0].lines[0];
    expect(live).toEqual(sent);
    expect(sent.ts).toBe('2026-11-26T16:00:00.500Z');
    expect(sent.message.startsWith('a\uFFFDb')).toBe(true);
    expect(sent.message).toHaveLength(16_384);
  });

  it('keeps lines and retries when the topic is unavailable', async () => {
    const topics = new FakeTopics();
    topics.failures = 2;
    const publisher = new BuildLogPublisher(bus, topics, { flushIntervalMs: 5 });
    const D = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2d';
    await publisher.write([line(D, 1), line(D, 2)]);
    await until(() => publisher.bufferedLines() === 0 && topics.sent.length > 0);
    expect(topics.sent.flatMap((b) => b.lines.map((l) => l.seq))).toEqual([1, 2]);
    expect(publisher.bufferedLines()).toBe(0);
  });
});
