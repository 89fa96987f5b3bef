import { DnsLookupError, type DnsFailureReason, type DnsResolver } from '../src/domains/dns/dns-resolver.port';

/**
 * The DNS a test says exists: TXT records set per name, every lookup recorded, and a failure
 * that can be switched on. Provide it as DNS_RESOLVER; nothing leaves the process.
 */
export class FakeDnsResolver implements DnsResolver {
  private readonly txt = new Map<string, string[][]>();
  readonly lookups: string[] = [];
  /** When set, every lookup rejects with this reason. */
  failure: DnsFailureReason | undefined;

  /** Replaces the TXT records at `name`; a record given as an array is split into character-strings. */
  setTxt(name: string, ...records: Array<string | string[]>): void {
    this.txt.set(name.toLowerCase(), records.map((r) => (Array.isArray(r) ? [...r] : [r])));
  }

  clear(name: string): void {
    this.txt.delete(name.toLowerCase());
  }

  async resolveTxt(name: string): Promise<string[][]> {
    this.lookups.push(name);
    if (this.failure) throw new DnsLookupError(this.failure, `simulated ${this.failure} for ${name}`);
    return (this.txt.get(name.toLowerCase()) ?? []).map((r) => [...r]);
  }
}
