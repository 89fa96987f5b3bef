/** An inclusive byte range, as `Content-Range` and the artifact store express it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The `Range` header cannot be met (answered 416 with `Content-Range: bytes *\/size`). */
export const UNSATISFIABLE = 'unsatisfiable' as const;

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/**
 * Kept rather than `range-parser`: its 1.x line (1.3.0, the last that runs on Node 20) answers
 * `bytes=-1000` of a 100-byte file and the reversed `bytes=5-2` as unsatisfiable (416), where
 * RFC 9110 §14.1.2 serves the whole file and §14.1.1 ignores an invalid range (the spec beside
 * this file covers both); 2.0.0 gets both right but requires Node 22.
 *
 * A single `bytes=` range against a representation of `size` bytes. Returns undefined when the
 * header is to be ignored (absent, malformed, several ranges: the full 200 is a valid answer).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | typeof UNSATISFIABLE | undefined {
  if (header === undefined) return undefined;
  const m = SINGLE.exec(header.trim());
  if (!m) return undefined;
  const [, first, last] = m;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // Suffix: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return UNSATISFIABLE;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (last !== '' && Number(last) < start)) return undefined;
  if (start >= size) return UNSATISFIABLE;
  return { start, end };
}
