import { Inject, Injectable } from '@nestjs/common';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import type { SecureContext } from 'node:tls';
import { parseHost } from '../routing/host-name';
import { RouteTable } from '../routing/route-table';

interface CustomCertificate {
  domainId: string;
  version: number;
  notAfter: number;
  context: SecureContext;
}

/**
 * The certificates this edge serves, as ready TLS contexts: one per custom domain (from the
 * ACME issuer, through the certificates repository) and the operator's wildcard for
 * `*.<ROOT_DOMAIN>`. SNI picks by exact name: a custom domain's own certificate only while the
 * route table serves that domain, the wildcard only for the root domain and the names one label
 * under it. Any other name gets no certificate (the handshake fails), so a client never sees
 * another tenant's certificate.
 */
@Injectable()
export class CertificateStore {
  private readonly custom = new Map<string, CustomCertificate>();
  private wildcard: SecureContext | undefined;
  private readonly rootDomain: string;

  constructor(
    private readonly table: RouteTable,
    @Inject(httpConfig.KEY) http: ConfigType<typeof httpConfig>,
  ) {
    this.rootDomain = http.rootDomain || 'localhost';
  }

  /** Keeps the newer version; false when `version` is not newer than what is held. */
  putCustom(hostname: string, cert: CustomCertificate): boolean {
    const current = this.custom.get(hostname);
    if (current && current.domainId === cert.domainId && current.version >= cert.version) return false;
    this.custom.set(hostname, cert);
    return true;
  }

  /** The version held for this domain's name, 0 when none (or one of an earlier domain of the same name). */
  customVersion(hostname: string, domainId: string): number {
    const current = this.custom.get(hostname);
    return current?.domainId === domainId ? current.version : 0;
  }

  removeCustom(hostname: string): void {
    this.custom.delete(hostname);
  }

  setWildcard(context: SecureContext | undefined): void {
    this.wildcard = context;
  }

  get hasWildcard(): boolean {
    return this.wildcard !== undefined;
  }

  get size(): number {
    return this.custom.size;
  }

  /** The context for a TLS ClientHello's server name, or undefined (no certificate for it). */
  forServerName(servername: string | undefined): SecureContext | undefined {
    if (!servername) return undefined;
    const host = parseHost(servername, this.rootDomain);
    if (host.kind === 'tenant') return this.wildcard;
    if (host.kind === 'custom') return this.table.hasDomain(host.name) ? this.custom.get(host.name)?.context : undefined;
    if (host.kind === 'platform' && servername.toLowerCase().replace(/\.$/, '') === this.rootDomain && this.rootDomain !== 'localhost') return this.wildcard;
    return undefined;
  }

  /** Whether an HTTP request for this `Host` is redirected to HTTPS: the name has a certificate here. */
  covers(rawHost: string | undefined): boolean {
    const host = parseHost(rawHost, this.rootDomain);
    if (host.kind === 'tenant') return this.wildcard !== undefined;
    if (host.kind === 'custom') return this.custom.has(host.name) && this.table.hasDomain(host.name);
    return false;
  }
}
