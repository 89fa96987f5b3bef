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
import { SOURCE_OPTIONS, type SourceOptions } from '../source.options';

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
   * ArchiveError (4xx) for a bad archive, or REQUEST_ABORTED when the body ends early. `body`
   * is never destroyed (it may be an HTTP request whose response is still to be written): on
   * failure it is only unpiped, and whoever owns it discards the rest.
   */
  async accept(key: string, body: Readable, declaredBytes?: number): Promise<AcceptedUpload> {
    const { limits } = this.options;
    if (declaredBytes !== undefined && declaredBytes > limits.maxCompressedBytes) {
      throw new ArchiveError('ARCHIVE_TOO_LARGE', `The archive is larger than ${limits.maxCompressedBytes} bytes`);
    }
    const meter = new ByteCounter((bytes) => {
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
      await this.store.putObject(key, createReadStream(spoolPath));
      return { ...summary, sourceKey: key };
    } catch (error) {
      body.unpipe(meter);
      meter.destroy();
      const outcomes = await Promise.allSettled([checking, spooling]);
      throw firstArchiveError(outcomes) ?? error;
    } finally {
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
