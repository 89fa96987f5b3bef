import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CERTIFICATE_REPOSITORY, certificateKeyAad, type CertificateRepository, type StoredCertificate } from '@deploysphere/certificates';
import { SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { edgeConfig, type EdgeSettings } from '@deploysphere/config';
import { AcmeChallengePublishedV1, CertificateIssuedV1, DomainRemovedV1, Topics } from '@deploysphere/contracts';
import { ConsumerHost } from '@deploysphere/messaging';
import { AcmeChallenges } from './acme-challenges';
import { CertificateStore } from './certificate-store';
import { secureContext } from './tls-policy';

export const TLS_TOPICS = [Topics.CertificateIssued, Topics.AcmeChallengePublished, Topics.DomainRemoved];

/**
 * Keeps this edge's custom-domain certificates and HTTP-01 answers current, like RouteTableSync
 * keeps routes: subscribe (own group per instance, from the topics' end), then load the snapshot
 * (issued certificates, live challenges), then apply what arrived meanwhile. An issued event is a
 * reference: the chain and the sealed key are read through the certificates repository and the
 * key opened here with SECRET_BOX, so key material never travels on the message bus.
 * Certificates are loaded only when this edge has an HTTPS listener; challenges always (the ACME
 * server asks over plain HTTP).
 */
@Injectable()
export class CertificateSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EdgeCertificates');
  private pending: object[] | undefined = [];
  private stopped = false;
  private resolveReady!: () => void;
  /** Settles once the snapshot is loaded and the events received meanwhile are applied. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  /** Applies events in order (a certificate load is asynchronous). */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CertificateStore,
    private readonly challenges: AcmeChallenges,
    private readonly consumer: ConsumerHost,
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
  ) {}

  private get serving(): boolean {
    return this.edge.tls.port !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume(`edge-tls.${this.edge.instanceId}`, TLS_TOPICS, async (event) => this.onEvent(event), { startFrom: 'latest' });
    void this.loadWithRetry();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** Resolves when every event received so far is applied (tests). */
  settled(): Promise<void> {
    return this.chain;
  }

  private async loadWithRetry(): Promise<void> {
    for (let attempt = 1, delay = 250; !this.stopped; attempt++, delay = Math.min(delay * 2, 10_000)) {
      try {
        const [issued, challenges] = await Promise.all([this.serving ? this.certificates.issuedCertificates() : [], this.certificates.activeChallenges()]);
        for (const c of challenges) this.challenges.put(c.token, { hostname: c.hostname, keyAuthorization: c.keyAuthorization, expiresAt: c.expiresAt.getTime() });
        for (const cert of issued) this.install(cert);
        const backlog = this.pending ?? [];
        this.pending = undefined;
        for (const event of backlog) this.enqueue(event);
        this.logger.log({ certificates: this.store.size, challenges: challenges.length, replayed: backlog.length }, 'certificates loaded');
        this.resolveReady();
        return;
      } catch (err) {
        this.logger.warn({ attempt, retryInMs: delay, err: String(err) }, 'certificate load failed; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  private onEvent(event: object): void {
    if (this.pending) this.pending.push(event);
    else this.enqueue(event);
  }

  private enqueue(event: object): void {
    this.chain = this.chain.then(() => this.apply(event)).catch((err) => this.logger.warn({ err: String(err) }, 'certificate event not applied'));
  }

  private async apply(event: object): Promise<void> {
    if (event instanceof AcmeChallengePublishedV1) {
      this.challenges.put(event.token, { hostname: event.hostname, keyAuthorization: event.keyAuthorization, expiresAt: Date.parse(event.expiresAt) });
    } else if (event instanceof CertificateIssuedV1) {
      if (!this.serving || this.store.customVersion(event.hostname, event.domainId) >= event.version) return;
      const cert = await this.certificates.loadIssued(event.domainId, event.version);
      if (cert) this.install(cert);
    } else if (event instanceof DomainRemovedV1) {
      this.store.removeCustom(event.hostname);
    }
  }

  /** Opens the key and builds the context; a row that fails is logged (never its content) and skipped. */
  private install(cert: StoredCertificate): void {
    try {
      const context = secureContext(cert.chainPem, this.box.open(cert.keySealed, certificateKeyAad(cert.domainId)));
      if (this.store.putCustom(cert.hostname, { domainId: cert.domainId, version: cert.version, notAfter: cert.notAfter.getTime(), context })) {
        this.logger.log({ hostname: cert.hostname, version: cert.version, notAfter: cert.notAfter.toISOString() }, 'certificate installed');
      }
    } catch (err) {
      this.logger.error({ hostname: cert.hostname, domainId: cert.domainId, err: (err as Error).message.split('\n')[0].slice(0, 200) }, 'certificate unusable; not served');
    }
  }
}
