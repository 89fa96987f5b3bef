/**
 * DNS lookups the API makes (custom-domain verification). A port, so that tests answer from a
 * double and never query real DNS.
 */
export interface DnsResolver {
  /**
   * The TXT records at `name`, each as its character-strings in order (a long value is split
   * into several; join them to read it). Resolves `[]` when the name or its TXT records do not
   * exist; rejects with `DnsLookupError` when the lookup itself fails.
   */
  resolveTxt(name: string): Promise<string[][]>;
}

export const DNS_RESOLVER = Symbol('DNS_RESOLVER');

/** Why a lookup produced no answer, as a stable reason a client can show. */
export type DnsFailureReason = 'TIMEOUT' | 'SERVER_FAILURE' | 'REFUSED' | 'ERROR';

export class DnsLookupError extends Error {
  constructor(
    readonly reason: DnsFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'DnsLookupError';
  }
}
