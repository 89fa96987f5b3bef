import { InMemoryLogSink, type BuildLogLine, type LogSink } from '@deploysphere/logs';
import { MAX_LOG_MESSAGE_LENGTH } from '@deploysphere/contracts';
import { randomBytes } from 'node:crypto';
import { BuildLogWriter } from './build-log.writer';
import { LineSplitter } from './line-splitter';

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

  it('masks a secret across the cuts of a line longer than a log message, whatever the chunking', async () => {
    const marker = () => randomBytes(6).toString('hex');
    const markers = [marker(), marker(), marker(), marker()];
    // Longer than a message; one a cut at 16 KiB falls into; a short one right at a cut; one spread over two chunks.
    const longSecret = `long-${markers[0]}-${'x'.repeat(20_000)}-${markers[1]}`;
    const crossing = `crossing-${markers[2]}-end`;
    const short = `s-${markers[3]}`;
    const line = `long=${longSecret} ${'y'.repeat(MAX_LOG_MESSAGE_LENGTH - 40)} crossing=${crossing} ${'z'.repeat(MAX_LOG_MESSAGE_LENGTH - 6)}${short} tail`;
    for (const chunk of [65_536, 4_096, 1_000, 7]) {
      const sink = new InMemoryLogSink();
      const w = new BuildLogWriter(sink, 'dpl_x', { maxBytes: 1e7, secrets: [longSecret, crossing, short] });
      const splitter = new LineSplitter((message, continues) => w.line({ stream: 'stdout', message, ts, ...(continues ? { continues } : {}) }));
      const bytes = Buffer.from(`first\n${line}\nlast\n`);
      for (let i = 0; i < bytes.length; i += chunk) splitter.push(bytes.subarray(i, i + chunk));
      splitter.end();
      await w.flush();
      const messages = sink.read('dpl_x').map((l) => l.message);
      for (const m of markers) expect({ chunk, leaking: messages.find((msg) => msg.includes(m))?.slice(0, 80) }).toEqual({ chunk, leaking: undefined });
      expect(messages.every((msg) => msg.length <= MAX_LOG_MESSAGE_LENGTH)).toBe(true);
      // Nothing else is lost or moved: the pieces put together are the masked line.
      expect(messages[0]).toBe('first');
      expect(messages.at(-1)).toBe('last');
      expect(messages.slice(1, -1).join('')).toBe(`long=*** ${'y'.repeat(MAX_LOG_MESSAGE_LENGTH - 40)} crossing=*** ${'z'.repeat(MAX_LOG_MESSAGE_LENGTH - 6)}*** tail`);
    }
  });

  it('holds nothing back when there is no secret: the runner\'s pieces pass as they come', async () => {
    const sink = new InMemoryLogSink();
    const w = new BuildLogWriter(sink, 'dpl_x', { maxBytes: 1e6, maxMessageLength: 4 });
    w.line({ stream: 'stdout', message: 'abcd', ts, continues: true });
    w.line({ stream: 'stderr', message: 'err', ts });
    w.line({ stream: 'stdout', message: 'ef', ts });
    await w.flush();
    expect(sink.read('dpl_x').map((l) => `${l.stream}:${l.message}`)).toEqual(['stdout:abcd', 'stderr:err', 'stdout:ef']);
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
