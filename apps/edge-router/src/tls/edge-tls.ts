import { Inject, Injectable } from '@nestjs/common';
import { edgeConfig, httpConfig, type ConfigType, type EdgeSettings } from '@deploysphere/config';
import { parseHost } from '../routing/host-name';
import { AcmeChallenges } from './acme-challenges';
import { CertificateStore } from './certificate-store';

/** Two years, without `includeSubDomains`: tenants are siblings under the root domain, not children of each other. */
export const HSTS_VALUE = 'max-age=63072000';
const ORIGIN_FORM = /^\/[\x21-\x7e]*$/;

/**
 * What the request handler asks about HTTPS on a plain-HTTP request: the HTTP-01 answer for a
 * challenge path, and whether (and where) to redirect to HTTPS: only when this edge has an HTTPS
 * listener and a certificate for the name (a custom domain's, or the root wildcard for tenant hosts).
 */
@Injectable()
export class EdgeTls {
  private readonly rootDomain: string;
  /** The HTTPS listener's bound port, set when it listens. */
  listeningPort: number | undefined;

  constructor(
    readonly certificates: CertificateStore,
    readonly challenges: AcmeChallenges,
    @Inject(httpConfig.KEY) http: ConfigType<typeof httpConfig>,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
  ) {
    this.rootDomain = http.rootDomain || 'localhost';
  }

  /** The host name a challenge is answered for (lower-case, no port or trailing dot), undefined for IPs and malformed hosts. */
  challengeHost(rawHost: string | undefined): string | undefined {
    const host = parseHost(rawHost, this.rootDomain);
    return host.kind === 'custom' ? host.name : undefined;
  }

  /** `https://…` for a request that should move to HTTPS, else undefined. */
  httpsLocation(rawHost: string | undefined, url: string): string | undefined {
    const port = this.edge.tls.publicPort ?? this.listeningPort;
    if (port === undefined || !this.certificates.covers(rawHost)) return undefined;
    const host = parseHost(rawHost, this.rootDomain);
    if (host.kind !== 'custom' && host.kind !== 'tenant') return undefined;
    const name = host.kind === 'custom' ? host.name : `${host.label}.${this.rootDomain}`;
    return `https://${name}${port === 443 ? '' : `:${port}`}${ORIGIN_FORM.test(url) ? url : '/'}`;
  }
}
