import { Logger } from '@nestjs/common';
import type { AccessLogRecord } from './access-log-sink.port';
import { BatchingAccessLogSink } from './batching-access-log-sink';
import { InMemoryAccessLogSink } from './in-memory-access-log-sink.adapter';

/** Resolves once `check` holds; polls, because the machine may be slow to run a timer. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const entry = (status = 200): AccessLogRecord => ({
  time: Date.now(),
  host: 'shop.localhost',
  deploymentId: 'dpl_x',
  projectId: 'prj_x',
  method: 'GET',
  path: '/',
  status,
  bytes: 10,
  durationMs: 0.2,
  userAgent: null,
  clientIp: '127.0.0.1',
});

describe('InMemoryAccessLogSink', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('buffers records and ships them in periodic batches', async () => {
    const sink = new InMemoryAccessLogSink({ maxBuffered: 100, flushIntervalMs: 10 });
    sink.record(entry(200));
    sink.record(entry(404));
    expect(sink.recent()).toHaveLength(0); // nothing written on the request path
    await until(() => sink.recent().length === 2);
    expect(sink.recent().map((r) => r.status)).toEqual([200, 404]);
    expect(sink.stats()).toMatchObject({ buffered: 0, written: 2, dropped: 0 });
    await sink.close();
  });

  it('drops and counts records beyond its bound instead of growing or blocking', async () => {
    const sink = new InMemoryAccessLogSink({ maxBuffered: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) sink.record(entry());
    expect(sink.stats()).toMatchObject({ buffered: 3, dropped: 7 });
    await sink.close();
    expect(sink.stats()).toMatchObject({ buffered: 0, written: 3, dropped: 7 });
  });

  it('keeps only the most recent records in its ring', async () => {
    const sink = new InMemoryAccessLogSink({ maxBuffered: 1_000, flushIntervalMs: 60_000 }, 5);
    for (let i = 0; i < 12; i++) sink.record({ ...entry(), bytes: i });
    await sink.flush();
    expect(sink.recent().map((r) => r.bytes)).toEqual([7, 8, 9, 10, 11]);
    await sink.close();
  });

  it('counts a failed batch as dropped and keeps going', async () => {
    class Failing extends BatchingAccessLogSink {
      calls = 0;
      protected async write(): Promise<void> {
        if (this.calls++ === 0) throw new Error('broker down');
      }
    }
    const sink = new Failing({ maxBuffered: 100, flushIntervalMs: 60_000 });
    sink.record(entry());
    await sink.flush();
    sink.record(entry());
    await sink.flush();
    expect(sink.stats()).toMatchObject({ written: 1, dropped: 1, failedBatches: 1 });
    await sink.close();
  });

  // Its cost per request is the edge bench's business (bench/edge), not a timed unit test's.
  it('a million entries recorded in one go keep the buffer bounded: the excess is dropped, never queued', async () => {
    const sink = new InMemoryAccessLogSink({ maxBuffered: 10_000, flushIntervalMs: 5 });
    const e = entry();
    for (let i = 0; i < 1_000_000; i++) sink.record(e);
    const { buffered, dropped } = sink.stats();
    expect(buffered).toBeLessThanOrEqual(10_000);
    expect(buffered + dropped).toBe(1_000_000);
    await sink.close();
  });
});
