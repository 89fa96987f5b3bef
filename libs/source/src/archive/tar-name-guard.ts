import { Transform, type TransformCallback } from 'node:stream';
import { ArchiveError } from './archive.errors';

const BLOCK = 512;
/** tar-stream refuses longer pax/GNU headers itself. */
const MAX_LONG_HEADER_BYTES = 4 * 1024 * 1024;
/** Name fields of a header block as [offset, length]: name and linkname; the ustar prefix below. */
const NAME_FIELDS: [number, number][] = [
  [0, 100],
  [157, 100],
];
const USTAR_PREFIX: [number, number] = [345, 155];
const TYPE = { gnuLongPath: 0x4c, gnuLongLink: 0x4b, pax: 0x78, paxGlobal: 0x67, directory: 0x35 } as const;

type LongHeader = { type: number; size: number; chunks: Buffer[]; got: number };

/**
 * Watches the raw tar stream for a NUL byte inside an entry name. tar-stream reads a name up to
 * its first NUL, so `evil\0.txt` would silently become `evil`: what was validated would not be
 * what the uploader named. A name field or GNU long name with anything but NUL after its first
 * NUL is a corrupt archive (pax names keep their NUL and are refused by normalizeEntryPath).
 * Headers are read the way tar-stream reads them (pax `size` overrides, a directory has no data)
 * so both stay on the same blocks; file contents are skipped by offset, never copied.
 */
export class TarNameGuard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of the current entry's data, padded to blocks, still to pass. */
  private skip = 0;
  private long?: LongHeader;
  private paxSize?: number;
  private paxGlobalSize?: number;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.scan(chunk);
    } catch (err) {
      return done(err as Error);
    }
    done(null, chunk);
  }

  private scan(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - offset);
        if (this.long) this.collect(chunk.subarray(offset, offset + n));
        this.skip -= n;
        offset += n;
        if (this.skip === 0 && this.long) this.endLongHeader();
        continue;
      }
      const need = BLOCK - this.pending.length;
      const part = chunk.subarray(offset, offset + need);
      offset += part.length;
      if (part.length < need) {
        this.pending = Buffer.concat([this.pending, part]);
        return;
      }
      const block = this.pending.length ? Buffer.concat([this.pending, part]) : part;
      this.pending = Buffer.alloc(0);
      this.header(block);
    }
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) return; // end-of-archive
    const ustar = block.toString('latin1', 257, 262) === 'ustar';
    for (const [start, length] of ustar ? [...NAME_FIELDS, USTAR_PREFIX] : NAME_FIELDS) checkName(block, start, length);
    const type = block[156];
    const size = sizeField(block);
    if (type === TYPE.gnuLongPath || type === TYPE.gnuLongLink || type === TYPE.pax || type === TYPE.paxGlobal) {
      if (size > MAX_LONG_HEADER_BYTES) throw new ArchiveError('ARCHIVE_CORRUPT', 'The body is not a valid tar archive (a header is too large)');
      this.skip = padded(size);
      this.long = { type, size, chunks: [], got: 0 };
      if (this.skip === 0) this.endLongHeader();
      return;
    }
    const effective = this.paxSize ?? size;
    this.paxSize = undefined;
    this.skip = type === TYPE.directory ? 0 : padded(effective);
  }

  private collect(data: Buffer): void {
    const long = this.long!;
    const keep = Math.min(data.length, long.size - long.got);
    if (keep > 0) long.chunks.push(data.subarray(0, keep));
    long.got += Math.max(0, keep);
  }

  private endLongHeader(): void {
    const { type, chunks } = this.long!;
    this.long = undefined;
    const data = Buffer.concat(chunks);
    if (type === TYPE.gnuLongPath || type === TYPE.gnuLongLink) return checkName(data, 0, data.length);
    // As tar-stream: a global header's values apply only through the next local pax header.
    const size = paxSizeOf(data);
    if (type === TYPE.pax) this.paxSize = size ?? this.paxGlobalSize;
    else this.paxGlobalSize = size;
  }
}

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

/** Anything but NUL after the first NUL of a name: the name has a NUL inside it. */
function checkName(buf: Buffer, start: number, length: number): void {
  const end = start + length;
  const nul = buf.indexOf(0, start);
  if (nul === -1 || nul >= end) return;
  for (let i = nul + 1; i < end; i++) {
    if (buf[i] !== 0) throw new ArchiveError('ARCHIVE_CORRUPT', 'An entry name contains a NUL byte');
  }
}

/** The size field: octal text, or base-256 for 8 GiB and more (far past every limit; tar-stream then refuses it by size). */
function sizeField(block: Buffer): number {
  if (block[124] & 0x80) {
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + block[i];
    return n;
  }
  const n = parseInt(block.toString('latin1', 124, 136).replace(/[\0 ]+$/, '').trim() || '0', 8);
  return Number.isFinite(n) ? n : 0;
}

/** A pax record `size=` as tar-stream reads it (headers.decodePax), or undefined. */
function paxSizeOf(data: Buffer): number | undefined {
  let size: number | undefined;
  let rest = data;
  while (rest.length) {
    let i = 0;
    while (i < rest.length && rest[i] !== 32) i++;
    const len = parseInt(rest.toString('utf8', 0, i), 10);
    if (!len) break;
    const record = rest.toString('utf8', i + 1, len - 1);
    const eq = record.indexOf('=');
    if (eq === -1) break;
    const value = record.slice(eq + 1);
    if (record.slice(0, eq) === 'size' && value) size = parseInt(value, 10);
    rest = rest.subarray(len);
  }
  return size;
}
