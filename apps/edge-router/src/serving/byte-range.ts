/** An inclusive byte range, as `Content-Range` and the artifact store express it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The `Range` header cannot be met (answered 416 with `Content-Range: bytes *\/size`). */
export const UNSATISFIABLE = 'unsatisfiable' as const;

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/**
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
