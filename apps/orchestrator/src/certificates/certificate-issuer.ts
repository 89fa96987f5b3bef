import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CERTIFICATE_REPOSITORY, certificateKeyAad, type CertificateRepository, type LeasedCertificate } from '@deploysphere/certificates';
import { CoalescedRunner, newId, SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { acmeConfig, buildsConfig, type AcmeSettings, type ConfigType } from '@deploysphere/config';
import { CERTIFICATE_AUTHORITY, type CertificateAuthority, type ChallengePublisher, type Http01Challenge } from './certificate-authority.port';

/** How long a published challenge stays answerable (the ACME server validates within seconds). */
const CHALLENGE_TTL_MS = 10 * 60_000;
/** Names worked on at once by one instance. */
const BATCH = 4;

/**
 * Obtains and renews custom-domain certificates. Each pass leases due rows (one orchestrator
 * instance per name: two never race the ACME server for the same certificate), renews the lease
 * while the ACME exchange runs, and records the outcome: a new certificate (renewed at 2/3 of its
 * lifetime), or the failure's reason with the next attempt after an exponential backoff. A crash
 * mid-issuance leaves the row leased until the lease ends; then any instance takes it again.
 */
@Injectable()
export class CertificateIssuer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CertificateIssuer');
  private readonly runner = new CoalescedRunner(
    () => this.pass(),
    (err) => this.logger.warn({ err: String(err) }, 'certificate pass failed; the next one retries'),
  );
  private timer: NodeJS.Timeout | undefined;
  private readonly owner: string;

  constructor(
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
    @Inject(CERTIFICATE_AUTHORITY) private readonly authority: CertificateAuthority,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(acmeConfig.KEY) private readonly acme: AcmeSettings,
    @Inject(buildsConfig.KEY) builds: ConfigType<typeof buildsConfig>,
  ) {
    // Per process: two orchestrators on one host (same default instance id) must not share leases.
    this.owner = `${builds.instanceId}/${newId('iss')}`;
  }

  onApplicationBootstrap(): void {
    if (!this.acme.enabled) return;
    this.timer = setInterval(() => this.nudge(), this.acme.pollMs);
    this.timer.unref();
    this.nudge();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.runner.stop();
  }

  /** A domain was verified: its row, then a pass now. */
  async track(domainId: string, hostname: string): Promise<void> {
    await this.certificates.track(domainId, hostname);
    this.nudge();
  }

  nudge(): void {
    if (this.acme.enabled) this.runner.run();
  }

  /** Resolves when no pass runs (tests). */
  settled(): Promise<void> {
    return this.runner.settled();
  }

  private async pass(): Promise<void> {
    await this.certificates.trackUntracked();
    for (;;) {
      const leased = await this.certificates.claimDue(this.owner, this.acme.leaseSeconds, BATCH);
      if (leased.length === 0) return;
      await Promise.all(leased.map((row) => this.issue(row)));
    }
  }

  private async issue(row: LeasedCertificate): Promise<void> {
    const renewing = setInterval(
      () => void this.certificates.renewLease(this.owner, row.domainId, this.acme.leaseSeconds).catch(() => undefined),
      (this.acme.leaseSeconds * 1000) / 3,
    );
    const started = Date.now();
    try {
      const obtained = await this.authority.obtain(row.hostname, this.challenges());
      const lifetime = obtained.notAfter.getTime() - obtained.notBefore.getTime();
      const version = await this.certificates.recordIssued(this.owner, row.domainId, {
        chainPem: obtained.chainPem,
        keySealed: this.box.seal(obtained.keyPem, certificateKeyAad(row.domainId)),
        notBefore: obtained.notBefore,
        notAfter: obtained.notAfter,
        renewAt: new Date(obtained.notBefore.getTime() + (lifetime * 2) / 3),
      });
      this.logger.log(
        { domainId: row.domainId, hostname: row.hostname, version, notAfter: obtained.notAfter.toISOString(), ms: Date.now() - started },
        version === null ? 'certificate obtained but the lease was lost; discarded' : 'certificate issued',
      );
    } catch (err) {
      const reason = describe(err);
      const delay = Math.min(this.acme.retryBaseMs * 2 ** Math.min(row.failures, 20), this.acme.retryMaxMs);
      const next = new Date(Date.now() + delay);
      await this.certificates.recordFailure(this.owner, row.domainId, reason, next);
      this.logger.warn({ domainId: row.domainId, hostname: row.hostname, reason, retryAt: next.toISOString() }, 'certificate issuance failed');
    } finally {
      clearInterval(renewing);
    }
  }

  private challenges(): ChallengePublisher {
    return {
      publish: (c: Http01Challenge) => this.certificates.publishChallenge({ ...c, expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS) }),
      remove: (c: Http01Challenge) => this.certificates.removeChallenge(c.token),
    };
  }
}

/** One line for the domain's `lastError`: the ACME problem or network error, bounded, no stack. */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').trim().slice(0, 500) || 'unknown error';
}
