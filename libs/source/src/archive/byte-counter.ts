import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through and counts them; `check` throws to stop the stream with its error. */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly check: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    try {
      this.check(this.bytes);
      done(null, chunk);
    } catch (error) {
      done(error as Error);
    }
  }
}
