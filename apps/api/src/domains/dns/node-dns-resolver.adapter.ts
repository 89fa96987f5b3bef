import { Resolver } from 'node:dns/promises';
import { DnsLookupError, type DnsFailureReason, type DnsResolver } from './dns-resolver.port';

export interface NodeDnsResolverOptions {
  /** The whole lookup, retries included, ends within this many milliseconds. */
  timeoutMs: number;
  /** Name servers (`ip` or `ip:port`); the system's (/etc/resolv.conf) when omitted. */
  servers?: string[];
}

/** The name does not exist, or has no record of the type asked: an answer, not a failure. */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA']);

const REASONS: Record<string, DnsFailureReason> = {
  ETIMEOUT: 'TIMEOUT',
  ECANCELLED: 'TIMEOUT',
  ESERVFAIL: 'SERVER_FAILURE',
  EREFUSED: 'REFUSED',
  ECONNREFUSED: 'REFUSED',
};

/** Lookups through c-ares (`node:dns/promises`), never through the blocking `getaddrinfo` pool. */
export class NodeDnsResolver implements DnsResolver {
  constructor(private readonly options: NodeDnsResolverOptions) {}

  async resolveTxt(name: string): Promise<string[][]> {
    // One resolver per lookup: cancelling it at the deadline touches no other lookup.
    const resolver = new Resolver({ timeout: Math.max(1, Math.floor(this.options.timeoutMs / 2)), tries: 2 });
    if (this.options.servers) resolver.setServers(this.options.servers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(new DnsLookupError('TIMEOUT', `No DNS answer for ${name} within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    try {
      return await Promise.race([resolver.resolveTxt(name), deadline]);
    } catch (err) {
      if (err instanceof DnsLookupError) throw err;
      const code = String((err as { code?: unknown }).code ?? '');
      if (NO_RECORDS.has(code)) return [];
      throw new DnsLookupError(REASONS[code] ?? 'ERROR', `DNS lookup of ${name} failed (${code || String(err)})`);
    } finally {
      clearTimeout(timer);
    }
  }
}
