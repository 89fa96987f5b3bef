import { Inject, Injectable } from '@nestjs/common';
import { previewLabel } from '@deploysphere/common';
import { httpConfig, type ConfigType } from '@deploysphere/config';

/**
 * The public addresses the edge router serves sites at (docs/edge-router.md): the host names it
 * resolves, with the scheme and port of EDGE_PUBLIC_SCHEME / EDGE_PUBLIC_PORT (default: the
 * edge's own port), so a client never builds one by hand.
 */
@Injectable()
export class SiteUrls {
  constructor(@Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>) {}

  /** The immutable preview URL of one deployment. */
  preview(deploymentId: string, slug: string): string {
    return this.url(`${previewLabel(deploymentId, slug)}.${this.http.rootDomain}`);
  }

  /** The project's production URL: whatever its alias points at. */
  production(slug: string): string {
    return this.url(`${slug}.${this.http.rootDomain}`);
  }

  /** A verified custom domain (stored as lower-case ASCII). */
  domain(hostname: string): string {
    return this.url(hostname);
  }

  private url(host: string): string {
    return `${this.http.edgePublic.scheme}://${host}${this.http.edgePublic.port}`;
  }
}
