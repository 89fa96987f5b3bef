/** Bit flags of the encodings a client accepts. */
export const ACCEPTS_GZIP = 1;
export const ACCEPTS_BR = 2;
/** Both accepted, and gzip with a higher q-value than br (`gzip;q=1, br;q=0.5`): gzip goes first. */
export const PREFERS_GZIP = 4;

const memo = new Map<string, number>();
const MEMO_SIZE = 512;

/**
 * Which of gzip and br an `Accept-Encoding` value allows (q=0 refuses; `*` allows both unless
 * refused by name), and whether gzip is preferred over br by q-value. Memoised: real clients send a handful of distinct values.
 */
export function acceptedEncodings(header: string | undefined): number {
  if (header === undefined || header.length === 0) return 0;
  const hit = memo.get(header);
  if (hit !== undefined) return hit;
  const flags = parse(header);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(header, flags);
  return flags;
}

function parse(header: string): number {
  let flags = 0;
  let refused = 0;
  let star = false;
  let starQ = 0;
  const q: [number, number] = [-1, -1]; // gzip, br as named
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    let quality = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) quality = Number(m[1]);
    }
    const bit = name === 'gzip' || name === 'x-gzip' ? ACCEPTS_GZIP : name === 'br' ? ACCEPTS_BR : 0;
    if (name === '*') {
      star = quality > 0;
      starQ = quality;
    } else if (bit && quality > 0) {
      flags |= bit;
      q[bit - 1] = Math.max(q[bit - 1], quality);
    } else if (bit) refused |= bit;
  }
  if (star) flags |= (ACCEPTS_GZIP | ACCEPTS_BR) & ~refused;
  // Equal preference goes to br (smaller); an encoding only allowed by `*` has the star's q.
  const gzipQ = q[0] >= 0 ? q[0] : starQ;
  const brQ = q[1] >= 0 ? q[1] : starQ;
  if ((flags & (ACCEPTS_GZIP | ACCEPTS_BR)) === (ACCEPTS_GZIP | ACCEPTS_BR) && gzipQ > brQ) flags |= PREFERS_GZIP;
  return flags;
}
