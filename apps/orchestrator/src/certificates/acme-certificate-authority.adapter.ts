import { Inject, Injectable, Logger } from '@nestjs/common';
import * as acme from 'acme-client';
import { acmeAccountAad, CERTIFICATE_REPOSITORY, type CertificateRepository } from '@deploysphere/certificates';
import { SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { acmeConfig, type AcmeSettings } from '@deploysphere/config';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import type { CertificateAuthority, ChallengePublisher, ObtainedCertificate } from './certificate-authority.port';

/** One ACME request's limit: a stuck server fails the attempt (retried with backoff) instead of holding the lease. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * `acme-client` (RFC 8555: JWS, nonces, retries, polling) against ACME_DIRECTORY_URL. The account
 * key is generated once per directory and kept SECRET_BOX-sealed in the database, so every
 * orchestrator instance uses the same account. Certificate keys are ECDSA P-256 (fast handshakes).
 */
@Injectable()
export class AcmeCertificateAuthority implements CertificateAuthority {
  private readonly logger = new Logger('AcmeCertificateAuthority');
  private client: Promise<acme.Client> | undefined;

  constructor(
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(acmeConfig.KEY) private readonly settings: AcmeSettings,
  ) {
    // acme-client's HTTP client is its own axios instance, shared by the process.
    acme.axios.defaults.timeout = REQUEST_TIMEOUT_MS;
    if (this.settings.caFile) acme.axios.defaults.httpsAgent = new Agent({ ca: readFileSync(this.settings.caFile), keepAlive: true });
  }

  async obtain(hostname: string, challenges: ChallengePublisher): Promise<ObtainedCertificate> {
    const client = await this.account();
    const [key, csr] = await acme.crypto.createCsr({ commonName: hostname, altNames: [hostname] }, await acme.crypto.createPrivateEcdsaKey('P-256'));
    const chainPem = await client.auto({
      csr,
      email: this.settings.email,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // The edges answer for the name; the issuer cannot reach them through public DNS from every network it runs in.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        if (challenge.type !== 'http-01') throw new Error(`unexpected challenge type ${challenge.type}`);
        await challenges.publish({ hostname, token: challenge.token, keyAuthorization });
      },
      challengeRemoveFn: async (_authz, challenge, keyAuthorization) => {
        await challenges.remove({ hostname, token: challenge.token, keyAuthorization });
      },
    });
    const info = acme.crypto.readCertificateInfo(chainPem);
    return { chainPem, keyPem: key.toString(), notBefore: info.notBefore, notAfter: info.notAfter };
  }

  /** The directory's account, created (and its URL stored) on first use; a failed attempt is retried on the next call. */
  private account(): Promise<acme.Client> {
    this.client ??= this.openAccount().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private async openAccount(): Promise<acme.Client> {
    const directoryUrl = this.settings.directoryUrl;
    const aad = acmeAccountAad(directoryUrl);
    let stored = await this.certificates.account(directoryUrl);
    if (!stored) {
      const key = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
      stored = await this.certificates.saveAccount(directoryUrl, { keySealed: this.box.seal(key, aad), accountUrl: null });
    }
    const accountKey = this.box.open(stored.keySealed, aad);
    const client = new acme.Client({ directoryUrl, accountKey, accountUrl: stored.accountUrl ?? undefined });
    if (!stored.accountUrl) {
      await client.createAccount({ termsOfServiceAgreed: true, contact: this.settings.email ? [`mailto:${this.settings.email}`] : undefined });
      await this.certificates.setAccountUrl(directoryUrl, client.getAccountUrl());
      this.logger.log({ directoryUrl }, 'ACME account registered');
    }
    return client;
  }
}
