// A ustar writer for the folder upload: regular files only (what a deploy uploads). Paths over
// ustar's 100 + 155 bytes get a PAX header (tar-stream on the api reads both). Written here
// because the small browser tar libraries truncate long names.

export interface TarEntry {
  path: string;
  data: Uint8Array;
  mode?: number;
  mtime?: number;
}

const BLOCK = 512;
const encoder = new TextEncoder();

export function createTar(entries: readonly TarEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const entry of entries) {
    const mtime = Math.floor((entry.mtime ?? Date.now()) / 1000);
    const name = encoder.encode(entry.path);
    const split = name.length > 100 ? splitName(entry.path) : { name: entry.path, prefix: '' };
    if (!split) {
      const record = paxRecord('path', entry.path);
      chunks.push(header({ name: 'PaxHeader', size: record.length, mode: 0o644, mtime, type: 'x', prefix: '' }), pad(record));
    }
    const own = split ?? { name: entry.path.slice(-99).replace(/^[^/]*\//, ''), prefix: '' };
    chunks.push(header({ name: own.name, prefix: own.prefix, size: entry.data.length, mode: entry.mode ?? 0o644, mtime, type: '0' }), pad(entry.data));
  }
  chunks.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** ustar: a long path splits at a '/' into prefix (≤ 155 bytes) and name (≤ 100 bytes). */
function splitName(path: string): { name: string; prefix: string } | undefined {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100 && name.length > 0) return { name, prefix };
  }
  return undefined;
}

/** A PAX record: "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength + String(bodyLength).length;
  if (String(length).length !== String(bodyLength).length) length = bodyLength + String(length).length;
  return encoder.encode(`${length}${body}`);
}

function header(h: { name: string; prefix: string; size: number; mode: number; mtime: number; type: string }): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (value: string, offset: number, length: number) => block.set(encoder.encode(value).subarray(0, length), offset);
  const octal = (value: number, offset: number, length: number) => put(value.toString(8).padStart(length - 1, '0'), offset, length - 1);
  put(h.name, 0, 100);
  octal(h.mode, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(h.size, 124, 12);
  octal(h.mtime, 136, 12);
  block.fill(0x20, 148, 156);
  put(h.type, 156, 1);
  put('ustar', 257, 6);
  put('00', 263, 2);
  put(h.prefix, 345, 155);
  let sum = 0;
  for (const b of block) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

function pad(data: Uint8Array): Uint8Array {
  const size = Math.ceil(data.length / BLOCK) * BLOCK;
  if (size === data.length) return data;
  const out = new Uint8Array(size);
  out.set(data);
  return out;
}

/** gzip with the browser's own CompressionStream. */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
