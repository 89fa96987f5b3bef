import { randomBytes } from 'node:crypto';

/** The TXT record is looked up at `_deploysphere.<hostname>`. */
export const VERIFICATION_LABEL = '_deploysphere';
const VALUE_PREFIX = 'deploysphere-verify=';

export interface VerificationRecord {
  type: 'TXT';
  name: string;
  value: string;
}

/** 128 random bits, hex: fits a TXT character-string and survives any DNS control panel. */
export function newVerificationToken(): string {
  return randomBytes(16).toString('hex');
}

/** What the owner of `hostname` publishes to prove control of it. */
export function verificationRecord(hostname: string, token: string): VerificationRecord {
  return { type: 'TXT', name: `${VERIFICATION_LABEL}.${hostname}`, value: `${VALUE_PREFIX}${token}` };
}

/** TXT records as their values: a record's character-strings joined, as DNS defines it. */
export function txtValues(records: string[][]): string[] {
  return records.map((strings) => strings.join(''));
}

/**
 * Whether one of the values is the expected record. Surrounding spaces and one pair of quotes
 * are forgiven: some DNS control panels store the quotes a user typed as part of the value.
 */
export function hasVerificationValue(values: string[], expected: string): boolean {
  return values.some((v) => v.trim().replace(/^"(.*)"$/, '$1') === expected);
}
