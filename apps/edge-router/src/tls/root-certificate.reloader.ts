import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { edgeConfig, type EdgeSettings } from '@deploysphere/config';
import { createHash, X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { CertificateStore } from './certificate-store';
import { secureContext } from './tls-policy';

/** A safety net beside the file watcher (which misses some atomic replacements on some file systems). */
const POLL_MS = 5_000;

/**
 * The operator's wildcard pair for `*.<ROOT_DOMAIN>` (EDGE_TLS_CERT_FILE, EDGE_TLS_KEY_FILE),
 * reloaded without restart when either file changes: a watch on their directories (Kubernetes
 * secrets and certbot swap symlinks) and a poll, both comparing a hash of the contents. A new
 * pair that does not parse, does not match or has expired is refused: the previous one stays and
 * the reason is logged (never the key).
 */
@Injectable()
export class RootCertificateReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RootCertificate');
  private hash: string | undefined;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CertificateStore,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, certFile, keyFile } = this.edge.tls;
    if (port === undefined || !certFile || !keyFile) return;
    const error = await this.load(certFile, keyFile);
    if (error) throw new Error(`EDGE_TLS_CERT_FILE / EDGE_TLS_KEY_FILE: ${error}`);
    for (const dir of new Set([dirname(certFile), dirname(keyFile)])) {
      const names = new Set([basename(certFile), basename(keyFile), '..data']);
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (!name || names.has(name.toString())) this.reload();
        });
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch (err) {
        this.logger.warn({ dir, err: String(err) }, 'cannot watch the certificate directory; polling only');
      }
    }
    this.timer = setInterval(() => this.reload(), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const watcher of this.watchers) watcher.close();
  }

  /** Resolves when the reload it started (and any before it) has finished. */
  reload(): Promise<void> {
    const { certFile, keyFile } = this.edge.tls;
    this.reloading = this.reloading.then(async () => {
      const error = await this.load(certFile!, keyFile!);
      if (error) this.logger.error({ certFile, keyFile, reason: error }, 'new root certificate refused; the previous one stays');
    });
    return this.reloading;
  }

  /** Loads the pair when its content changed; returns why it was refused. */
  private async load(certFile: string, keyFile: string): Promise<string | undefined> {
    let cert: Buffer;
    let key: Buffer;
    try {
      [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
    } catch (err) {
      return `cannot read the files (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    const hash = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
    if (hash === this.hash) return undefined;
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(cert);
    } catch {
      this.hash = hash;
      return 'the certificate file holds no PEM certificate';
    }
    if (Date.parse(leaf.validTo) <= Date.now()) {
      this.hash = hash;
      return `the certificate expired on ${new Date(leaf.validTo).toISOString()}`;
    }
    try {
      this.store.setWildcard(secureContext(cert, key));
    } catch (err) {
      this.hash = hash;
      // OpenSSL's reason ("key values mismatch", "bad decrypt"), which names no key material.
      return `the key does not load with the certificate (${(err as Error).message.split('\n')[0].slice(0, 200)})`;
    }
    this.hash = hash;
    this.logger.log({ subject: leaf.subject.replace(/\n/g, ', '), validTo: leaf.validTo, sha256: leaf.fingerprint256 }, 'root certificate loaded');
    return undefined;
  }
}
