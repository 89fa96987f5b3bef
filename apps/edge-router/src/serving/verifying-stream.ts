import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { ByteRange } from './byte-range';

/** The stored bytes did not hash to the digest they are stored under: never served. */
export class BlobIntegrityError extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} does not match its digest`);
    this.name = 'BlobIntegrityError';
  }
}

/**
 * Passes a whole blob through while hashing it, forwarding only `range` when given, and fails
 * at the end when the bytes do not match `sha256` and `size`. The last chunk is held back until
 * the check passes: on a mismatch the client gets fewer bytes than `Content-Length` promised and
 * a cut connection (the status line is already sent), never the complete tampered body.
 */
export class VerifyingStream extends Transform {
  private readonly hash = createHash('sha256');
  private seen = 0;
  private held: Buffer | undefined;

  constructor(
    private readonly sha256: string,
    private readonly size: number,
    private readonly range?: ByteRange,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const offset = this.seen;
    this.seen += chunk.length;
    if (this.seen > this.size) return callback(new BlobIntegrityError(this.sha256));
    this.hash.update(chunk);
    let out: Buffer = chunk;
    if (this.range) {
      const from = Math.max(this.range.start - offset, 0);
      const to = Math.min(this.range.end + 1 - offset, chunk.length);
      if (to <= from) return callback();
      out = chunk.subarray(from, to);
    }
    if (this.held) this.push(this.held);
    this.held = out;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.seen !== this.size || this.hash.digest('hex') !== this.sha256) return callback(new BlobIntegrityError(this.sha256));
    callback(null, this.held);
  }
}
