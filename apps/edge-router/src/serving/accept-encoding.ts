import Negotiator from 'negotiator';

/** Bit flags of the encodings a client accepts. */
export const ACCEPTS_GZIP = 1;
export const ACCEPTS_BR = 2;
/** Both accepted, and gzip with a higher q-value than br (`gzip;q=1, br;q=0.5`): gzip goes first. */
export const PREFERS_GZIP = 4;

/** What the edge can send, best first on equal q-values (br is smaller). */
const OFFERED = ['br', 'gzip'] as const;
/** `x-gzip` is gzip (RFC 9110 §8.4.1.3); negotiator compares names literally. */
const X_GZIP = /(^|[\s,])x-gzip(?=$|[\s,;])/gi;

const memo = new Map<string, number>();
const MEMO_SIZE = 512;

/**
 * Which of gzip and br an `Accept-Encoding` value allows, and whether gzip is preferred over br
 * by q-value, as negotiator ranks them (q=0 refuses; `*` covers what is not named). Memoised:
 * real clients send a handful of distinct values.
 */
export function acceptedEncodings(header: string | undefined): number {
  if (header === undefined || header.length === 0) return 0;
  const hit = memo.get(header);
  if (hit !== undefined) return hit;
  const flags = negotiate(header);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(header, flags);
  return flags;
}

function negotiate(header: string): number {
  const value = header.replace(X_GZIP, '$1gzip');
  const ranked = new Negotiator({ headers: { 'accept-encoding': value } }).encodings(OFFERED, { preferred: OFFERED });
  let flags = 0;
  for (const name of ranked) flags |= name === 'gzip' ? ACCEPTS_GZIP : ACCEPTS_BR;
  if (ranked.length === 2 && ranked[0] === 'gzip') flags |= PREFERS_GZIP;
  return flags;
}
