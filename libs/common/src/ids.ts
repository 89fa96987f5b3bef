import { randomBytes } from 'node:crypto';

// Crockford base32, lower-case: ids are valid inside DNS labels (preview hosts embed them)
// and sort by creation time, which keeps cursor pagination stable.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encode(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** A time-ordered id (48-bit ms timestamp + 80 random bits), e.g. `dpl_01jd8x3k9m2f4q7r8s9t0v1w2x`. */
export function newId(prefix: string, now: number = Date.now()): string {
  const random = BigInt('0x' + randomBytes(10).toString('hex'));
  return `${prefix}_${encode(BigInt(now), 10)}${encode(random, 16)}`;
}

export const ID_PATTERN = /^[a-z]{2,5}_[0-9a-hjkmnp-tv-z]{26}$/;
