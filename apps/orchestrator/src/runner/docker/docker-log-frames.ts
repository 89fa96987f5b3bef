import { LineSplitter } from '../line-splitter';
import type { LineListener } from '../build-runner.port';

/**
 * Reads Docker's multiplexed log stream (`logs?follow=1&timestamps=1` without a TTY): frames of
 * [stream, 0, 0, 0, size(4, big endian)] + payload, where each payload is one log message
 * prefixed with its RFC 3339 timestamp. Messages are split into lines per stream; each line
 * carries the timestamp of the message that ended it.
 */
export class DockerLogFrames {
  private buffer: Buffer = Buffer.alloc(0);
  private ts = new Date().toISOString();
  private readonly out: LineSplitter;
  private readonly err: LineSplitter;

  constructor(onLine: LineListener) {
    this.out = new LineSplitter((message, continues) => onLine({ stream: 'stdout', message, ts: this.ts, ...(continues ? { continues } : {}) }));
    this.err = new LineSplitter((message, continues) => onLine({ stream: 'stderr', message, ts: this.ts, ...(continues ? { continues } : {}) }));
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      const kind = this.buffer[0];
      let payload = this.buffer.subarray(8, 8 + size);
      this.buffer = this.buffer.subarray(8 + size);
      const space = payload.indexOf(0x20);
      if (space > 0 && space <= 40) {
        const parsed = Date.parse(payload.subarray(0, space).toString('latin1'));
        if (!Number.isNaN(parsed)) {
          this.ts = new Date(parsed).toISOString();
          payload = payload.subarray(space + 1);
        }
      }
      (kind === 2 ? this.err : this.out).push(payload);
    }
  }

  end(): void {
    this.out.end();
    this.err.end();
  }
}
