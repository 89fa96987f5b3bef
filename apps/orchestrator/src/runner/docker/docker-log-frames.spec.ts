import type { RunnerLine } from '../build-runner.port';
import { DockerLogFrames } from './docker-log-frames';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('DockerLogFrames', () => {
  it('demultiplexes stdout/stderr frames, strips the timestamps and splits lines, across chunk boundaries', () => {
    const lines: RunnerLine[] = [];
    const f = new DockerLogFrames((l) => lines.push(l));
    const all = Buffer.concat([
      frame(1, '2026-11-26T17:19:00.123456789Z hello\n'),
      frame(2, '2026-11-26T17:19:01.5Z oops\n'),
      frame(1, '2026-11-26T17:19:02Z part'),
      frame(1, '2026-11-26T17:19:03Z ial\n'),
    ]);
    for (let i = 0; i < all.length; i += 7) f.push(all.subarray(i, i + 7));
    f.end();
    expect(lines).toEqual([
      { stream: 'stdout', message: 'hello', ts: '2026-11-26T17:19:00.123Z' },
      { stream: 'stderr', message: 'oops', ts: '2026-11-26T17:19:01.500Z' },
      { stream: 'stdout', message: 'partial', ts: '2026-11-26T17:19:03.000Z' },
    ]);
  });
});
