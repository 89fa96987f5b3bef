import { InMemoryLogSink, type BuildLogLine, type LogSink } from '@deploysphere/logs';
import { BuildLogWriter } from './build-log.writer';

/** Resolves once `check` holds; polls, because the machine may be slow to run a timer. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const ts = '2026-01-01T00:00:00.000Z';

describe('BuildLogWriter', () => {
  it('numbers lines gap-free from startSeq, in order, across batches', async () => {
    const sink = new InMemoryLogSink();
    const w = new BuildLogWriter(sink, 'dpl_x', { startSeq: 5, maxBytes: 1_000_000, maxBatch: 2 });
    w.system('start');
    for (let i = 0; i < 5; i++) w.line({ stream: 'stdout', message: `l${i}`, ts });
    await w.flush();
    expect(sink.read('dpl_x').map((l) => [l.seq, l.message])).toEqual([
      [5, 'start'],
      [6, 'l0'],
      [7, 'l1'],
      [8, 'l2'],
      [9, 'l3'],
      [10, 'l4'],
    ]);
    expect(w.nextSeq).toBe(11);
  });

  it('masks secret values (not short ones) wherever they appear', async () => {
    const sink = new InMemoryLogSink();
    const w = new BuildLogWriter(sink, 'dpl_x', { maxBytes: 1e6, secrets: ['hunter2-secret', 'hunter2', 'no'] });
    w.line({ stream: 'stderr', message: 'token=hunter2-secret and hunter2, no', ts });
    await w.flush();
    expect(sink.read('dpl_x')[0].message).toBe('token=*** and ***, no');
  });

  it('drops build output past the byte limit with one notice; system lines still pass', async () => {
    const sink = new InMemoryLogSink();
    const w = new BuildLogWriter(sink, 'dpl_x', { maxBytes: 10 });
    w.line({ stream: 'stdout', message: '12345', ts });
    w.line({ stream: 'stdout', message: '67890', ts });
    w.line({ stream: 'stdout', message: 'more', ts });
    w.system('Build failed');
    await w.flush();
    expect(sink.read('dpl_x').map((l) => `${l.seq}:${l.stream}:${l.message.slice(0, 18)}`)).toEqual([
      '1:stdout:12345',
      '2:system:Build log limit of',
      '3:system:Build failed',
    ]);
  });

  it('a failing sink never throws into the build; the error is reported', async () => {
    const failing: LogSink = { write: async () => Promise.reject(new Error('down')) };
    const errors: unknown[] = [];
    const w = new BuildLogWriter(failing, 'dpl_x', { maxBytes: 1e6, onError: (e) => errors.push(e) });
    w.line({ stream: 'stdout', message: 'x', ts });
    await expect(w.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('hands batches to the sink without waiting for a flush', async () => {
    const batches: BuildLogLine[][] = [];
    const w = new BuildLogWriter({ write: async (l) => void batches.push(l) }, 'dpl_x', { maxBytes: 1e6, flushIntervalMs: 5 });
    w.line({ stream: 'stdout', message: 'x', ts });
    await until(() => batches.length > 0);
    expect(batches).toHaveLength(1);
  });
});
