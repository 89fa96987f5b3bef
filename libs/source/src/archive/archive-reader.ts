import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { ArchiveEntryPolicy, type ArchiveCounts, type ArchiveEntry, type ArchiveLinks } from './archive-entries';
import { COMPRESSION_RATIO_FLOOR_BYTES, type ArchiveLimits } from './archive-limits';
import { ArchiveError } from './archive.errors';
import { ByteCounter } from './byte-counter';
import { TarNameGuard } from './tar-name-guard';

export interface ArchiveSummary extends ArchiveCounts {
  compressedBytes: number;
  uncompressedBytes: number;
  /** The links, checked against the whole tree, for the caller to create after the files. */
  links: ArchiveLinks;
}

export interface ReadArchiveOptions {
  /** Called for each directory entry, in archive order. */
  onDirectory?: (entry: ArchiveEntry) => Promise<void>;
  /** Called for each regular file; must consume `content` to its end before resolving. */
  onFile?: (entry: ArchiveEntry, content: AsyncIterable<Buffer>) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Reads a gzipped tar as a stream (never held whole in memory) and applies every rule of
 * ArchiveEntryPolicy plus the byte limits on the compressed and uncompressed streams. Files
 * and directories are handed to the callbacks as they come; links are only returned, once the
 * whole archive has been checked, for the caller to create last. Rejects with an ArchiveError
 * for anything wrong with the archive; an error of `input` itself (an aborted upload, a failed
 * read) or an abort is passed through unchanged.
 *
 * `input` may also be the whole archive in memory: one that inflates to at most
 * SMALL_ARCHIVE_BYTES is then inflated at once, without the streams (most uploads are small).
 */
export async function readSourceArchive(input: Readable | Buffer, limits: ArchiveLimits, options: ReadArchiveOptions = {}): Promise<ArchiveSummary> {
  const policy = new ArchiveEntryPolicy(limits);
  const checkCompressed = (bytes: number) => {
    if (bytes > limits.maxCompressedBytes) throw new ArchiveError('ARCHIVE_TOO_LARGE', `The archive is larger than ${limits.maxCompressedBytes} bytes`);
  };
  const checkUncompressed = (bytes: number, compressedBytes: number) => {
    if (bytes > limits.maxUncompressedBytes) {
      throw new ArchiveError('ARCHIVE_UNCOMPRESSED_TOO_LARGE', `The archive extracts to more than ${limits.maxUncompressedBytes} bytes`);
    }
    if (bytes > COMPRESSION_RATIO_FLOOR_BYTES && bytes / Math.max(1, compressedBytes) > limits.maxCompressionRatio) {
      throw new ArchiveError('ARCHIVE_COMPRESSION_RATIO_TOO_HIGH', `The archive expands more than ${limits.maxCompressionRatio} times: refused as a probable archive bomb`);
    }
  };
  const tar = tarExtract();
  let origin: 'input' | 'gzip' | 'tar' | undefined;
  tar.on('error', () => (origin ??= 'tar'));
  const counted = { compressed: 0, uncompressed: 0 };
  let piping: Promise<void>;
  const whole = Buffer.isBuffer(input) ? input : undefined;
  if (whole) checkCompressed(whole.length);
  const inflated = whole && inflateSmall(whole);
  if (whole && inflated) {
    checkUncompressed(inflated.length, whole.length);
    counted.compressed = whole.length;
    counted.uncompressed = inflated.length;
    piping = pipeline(Readable.from([inflated]), new TarNameGuard(), tar, { signal: options.signal });
  } else {
    const source = whole ? Readable.from([whole]) : (input as Readable);
    const compressed = new ByteCounter(checkCompressed);
    const uncompressed = new ByteCounter((bytes) => checkUncompressed(bytes, compressed.bytes));
    const gunzip = createGunzip();
    // The first stage to fail is the cause; the pipeline then destroys the others with the same error.
    source.on('error', () => (origin ??= 'input'));
    gunzip.on('error', () => (origin ??= 'gzip'));
    piping = pipeline(source, compressed, gunzip, uncompressed, new TarNameGuard(), tar, { signal: options.signal }).then(() => {
      counted.compressed = compressed.bytes;
      counted.uncompressed = uncompressed.bytes;
    });
  }
  piping.catch(() => undefined);
  try {
    for await (const content of tar) {
      const entry = policy.accept(content.header);
      if (entry?.type === 'file' && options.onFile) {
        await options.onFile(entry, content as AsyncIterable<Buffer>);
      } else {
        if (entry?.type === 'directory') await options.onDirectory?.(entry);
        for await (const _ of content);
      }
    }
    await piping;
  } catch (error) {
    await piping.catch(() => undefined);
    throw classify(error, origin);
  }
  const links = policy.finish();
  return { ...policy.counts, links, compressedBytes: counted.compressed, uncompressedBytes: counted.uncompressed };
}

/** An archive in memory inflates at once when it is at most this big inflated. */
const SMALL_ARCHIVE_BYTES = 1024 * 1024;

/**
 * The inflated archive, or undefined when it inflates to more than SMALL_ARCHIVE_BYTES (zlib stops
 * there) or is not valid gzip: the stream path then reads it and reports what is wrong.
 */
function inflateSmall(gz: Buffer): Buffer | undefined {
  try {
    return gunzipSync(gz, { maxOutputLength: SMALL_ARCHIVE_BYTES });
  } catch {
    return undefined;
  }
}

function classify(error: unknown, origin: 'input' | 'gzip' | 'tar' | undefined): unknown {
  if (error instanceof ArchiveError || (error as Error | null)?.name === 'AbortError' || origin === 'input') return error;
  if (origin === 'gzip') return new ArchiveError('ARCHIVE_CORRUPT', `The body is not a valid gzip stream (${(error as Error).message})`);
  if (origin === 'tar') return new ArchiveError('ARCHIVE_CORRUPT', `The body is not a valid tar archive (${(error as Error).message})`);
  return error;
}
