/** Bit flags of the encodings a client accepts. */
export const ACCEPTS_GZIP = 1;
export const ACCEPTS_BR = 2;

const memo = new Map<string, number>();
const MEMO_SIZE = 512;

/**
 * Which of gzip and br an `Accept-Encoding` value allows (q=0 refuses; `*` allows both unless
 * refused by name). Memoised: real clients send a handful of distinct values.
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
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    const bit = name === 'gzip' || name === 'x-gzip' ? ACCEPTS_GZIP : name === 'br' ? ACCEPTS_BR : 0;
    if (name === '*') star = q > 0;
    else if (bit && q > 0) flags |= bit;
    else if (bit) refused |= bit;
  }
  if (star) flags |= (ACCEPTS_GZIP | ACCEPTS_BR) & ~refused;
  return flags;
}
