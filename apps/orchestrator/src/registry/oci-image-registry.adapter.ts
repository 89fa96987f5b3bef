import type { RegistryAuth } from '../images/image-builder.port';
import type { ImageRegistry } from './image-registry.port';

export interface OciRegistryOptions {
  /** host[:port]. */
  url: string;
  credentials?: { username: string; password: string };
  prefix: string;
  /** http for loopback (what the engine uses without TLS there), else https. */
  scheme?: 'http' | 'https';
  fetch?: typeof fetch;
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/**
 * An OCI distribution registry (scripts/services/registry.sh in local and distributed mode):
 * a repository per project, `<url>/<prefix>/<project id>`, which the registry creates on the
 * first push. Deleting a project deletes its manifests through the registry API (the registry's
 * `garbage-collect` frees the blobs).
 */
export class OciImageRegistry implements ImageRegistry {
  readonly kind = 'oci' as const;
  private readonly fetch: typeof fetch;
  private readonly base: string;

  constructor(private readonly options: OciRegistryOptions) {
    this.fetch = options.fetch ?? fetch;
    const loopback = /^(127\.|localhost(:|$)|\[::1\])/.test(options.url);
    this.base = `${options.scheme ?? (loopback ? 'http' : 'https')}://${options.url}`;
  }

  async host(): Promise<string> {
    return this.options.url;
  }

  async repository(projectId: string): Promise<string> {
    return `${this.options.url}/${this.name(projectId)}`;
  }

  async auth(): Promise<RegistryAuth | undefined> {
    const c = this.options.credentials;
    return c ? { username: c.username, password: c.password, serveraddress: this.options.url } : undefined;
  }

  async forgetProject(projectId: string): Promise<void> {
    const name = this.name(projectId);
    const tags = await this.call(`/v2/${name}/tags/list`);
    if (tags.status === 404) return;
    if (!tags.ok) throw new Error(`the registry answered ${tags.status} listing ${name}`);
    const list = ((await tags.json()) as { tags?: string[] | null }).tags ?? [];
    const digests = new Set<string>();
    for (const tag of list) {
      const head = await this.call(`/v2/${name}/manifests/${encodeURIComponent(tag)}`, 'HEAD');
      const digest = head.headers.get('docker-content-digest');
      if (head.ok && digest) digests.add(digest);
    }
    for (const digest of digests) {
      const res = await this.call(`/v2/${name}/manifests/${digest}`, 'DELETE');
      if (!res.ok && res.status !== 404) throw new Error(`the registry answered ${res.status} deleting a manifest of ${name}`);
    }
  }

  private name(projectId: string): string {
    return `${this.options.prefix}/${projectId}`;
  }

  private call(path: string, method = 'GET'): Promise<Response> {
    const headers: Record<string, string> = { accept: MANIFEST_TYPES };
    const c = this.options.credentials;
    if (c) headers.authorization = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
    return this.fetch(this.base + path, { method, headers, signal: AbortSignal.timeout(30_000) });
  }
}
