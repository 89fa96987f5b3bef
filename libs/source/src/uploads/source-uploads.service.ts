import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { PassThrough, Writable, finished, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@deploysphere/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { readSourceArchive, type ArchiveSummary } from '../archive/archive-reader';
import { ArchiveError } from '../archive/archive.errors';
import { ByteCounter } from '../archive/byte-counter';
import { SOURCE_OPTIONS, UPLOAD_IDLE_TIMEOUT_MS, type SourceOptions } from '../source.options';

export interface AcceptedUpload extends ArchiveSummary {
  /** Key in the artifact store's `sources/` space. */
  sourceKey: string;
}

/**
 * Intake of an uploaded source archive. The body is read once, as a stream: every chunk goes
 * both to the validating reader and to a spool file on local disk, and only when the whole
 * archive has passed is the spool copied into the artifact store. A rejected upload therefore
 * leaves nothing in the store, and memory use does not grow with the archive.
 */
@Injectable()
export class SourceUploads {
  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(SOURCE_OPTIONS) private readonly options: SourceOptions,
  ) {}

  /**
   * Checks `body` (a gzipped tar) and stores it as-is under `sources/<key>`. Rejects with an
   * ArchiveError (4xx) for a bad archive, REQUEST_ABORTED when the body ends early, or
   * BODY_TIMEOUT when it stalls (no byte for `idleTimeoutMs` while it is being read). `body`
   * is never destroyed (it may be an HTTP request whose response is still to be written): on
   * failure it is only unpiped, and whoever owns it discards the rest.
   */
  async accept(key: string, body: Readable, declaredBytes?: number): Promise<AcceptedUpload> {
    const { limits } = this.options;
    if (declaredBytes !== undefined && declaredBytes > limits.maxCompressedBytes) {
      throw new ArchiveError('ARCHIVE_TOO_LARGE', `The archive is larger than ${limits.maxCompressedBytes} bytes`);
    }
    let lastByteAt = Date.now();
    const meter = new ByteCounter((bytes) => {
      lastByteAt = Date.now();
      if (bytes > limits.maxCompressedBytes) throw new ArchiveError('ARCHIVE_TOO_LARGE', `The archive is larger than ${limits.maxCompressedBytes} bytes`);
    });
    // Its errors surface through the pipeline below, which may not be listening yet.
    meter.on('error', () => undefined);
    // Listening before the first await: a body that breaks off early must not go unnoticed.
    const aborted = () => {
      if (!body.readableEnded) meter.destroy(new DomainError('bad_request', 'REQUEST_ABORTED', 'The upload ended before the whole body was received'));
    };
    body.on('error', aborted);
    body.on('close', aborted);
    const idleMs = this.options.idleTimeoutMs ?? UPLOAD_IDLE_TIMEOUT_MS;
    let stalled: DomainError | undefined;
    const watchdog = watchIdle(body, idleMs, () => lastByteAt, () => {
      stalled = new DomainError('timeout', 'BODY_TIMEOUT', `No byte of the upload arrived for ${idleMs / 1000} s`);
      meter.destroy(stalled);
    });
    const spoolPath = join(this.options.spoolDir, `${randomUUID()}.tar.gz`);
    let checking: Promise<ArchiveSummary> | undefined;
    let spooling: Promise<void> | undefined;
    try {
      await mkdir(this.options.spoolDir, { recursive: true, mode: 0o700 });
      const feed = new PassThrough();
      const spool = createWriteStream(spoolPath, { flags: 'wx', mode: 0o600 });
      checking = readSourceArchive(feed, limits);
      spooling = pipeline(meter, new Tee([feed, spool]));
      body.pipe(meter);
      const [summary] = await Promise.all([checking, spooling]);
      watchdog.stop();
      await this.store.putObject(key, createReadStream(spoolPath));
      return { ...summary, sourceKey: key };
    } catch (error) {
      body.unpipe(meter);
      meter.destroy();
      const outcomes = await Promise.allSettled([checking, spooling]);
      // A stall cuts the archive short: that, not the truncated archive, is what went wrong.
      throw stalled ?? firstArchiveError(outcomes) ?? error;
    } finally {
      watchdog.stop();
      body.off('error', aborted);
      body.off('close', aborted);
      await unlink(spoolPath).catch(() => undefined);
    }
  }

  /** Removes a stored upload, e.g. when the deployment that was to use it could not be recorded. */
  async discard(key: string): Promise<void> {
    await this.store.deleteObject(key);
  }
}

/**
 * Calls `onStall` once no byte arrived for `idleMs` while the body was being read. A paused
 * body is the server's own backpressure (the store or the disk is slower than the client), so
 * the client's silence counts only from when it flows again; and the check runs after pending
 * I/O, so a busy event loop does not mistake bytes already received for a silent client.
 */
function watchIdle(body: Readable, idleMs: number, lastByteAt: () => number, onStall: () => void): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let flowingSince = Date.now();
  const onResume = () => (flowingSince = Date.now());
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    body.off('resume', onResume);
  };
  const arm = (ms: number) => (timer = setTimeout(() => setImmediate(check), ms));
  const check = () => {
    if (stopped || body.readableEnded) return;
    if (body.isPaused()) return void arm(idleMs);
    const quietMs = Date.now() - Math.max(lastByteAt(), flowingSince);
    if (quietMs < idleMs) return void arm(idleMs - quietMs);
    stop();
    onStall();
  };
  body.on('resume', onResume);
  arm(idleMs);
  return { stop };
}

/** An archive problem explains a failure better than the stream errors it caused downstream. */
function firstArchiveError(outcomes: PromiseSettledResult<unknown>[]): unknown {
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected' && outcome.reason instanceof ArchiveError) return outcome.reason;
  }
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected' && outcome.reason instanceof DomainError) return outcome.reason;
  }
  return undefined;
}

/** Writes every chunk to each output and moves on when all have taken it (the slowest sets the pace). */
class Tee extends Writable {
  constructor(private readonly outputs: Writable[]) {
    super();
    for (const out of outputs) out.on('error', (error) => this.destroy(error));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    Promise.all(this.outputs.map((out) => (out.write(chunk) ? undefined : once(out, 'drain')))).then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    Promise.all(
      this.outputs.map(
        (out) =>
          new Promise<void>((resolve, reject) => {
            finished(out, (error) => (error ? reject(error) : resolve()));
            out.end();
          }),
      ),
    ).then(() => done(), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    for (const out of this.outputs) out.destroy(error ?? undefined);
    done(error);
  }
}
