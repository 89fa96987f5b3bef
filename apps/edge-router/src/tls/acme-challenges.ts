import { Inject, Injectable, Logger } from '@nestjs/common';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '@deploysphere/certificates';
import { LRUCache } from 'lru-cache';

export const ACME_CHALLENGE_PREFIX = '/.well-known/acme-challenge/';
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

interface Challenge {
  hostname: string;
  keyAuthorization: string;
  expiresAt: number;
}

/**
 * HTTP-01 answers this edge gives: token → key authorization for one host name, from
 * `AcmeChallengePublished.v1` and the start-up snapshot. A token not (yet) received is looked up
 * in the database once (the event may still be on its way when the ACME server asks); misses are
 * remembered briefly, so a flood of made-up tokens costs one query per token at most.
 */
@Injectable()
export class AcmeChallenges {
  private readonly logger = new Logger('AcmeChallenges');
  private readonly known = new Map<string, Challenge>();
  private readonly misses = new LRUCache<string, true>({ max: 10_000, ttl: 2_000 });

  constructor(@Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository) {}

  put(token: string, challenge: Challenge): void {
    if (challenge.expiresAt <= Date.now()) return;
    this.known.set(token, challenge);
    this.misses.delete(token);
    // Bounded by the challenges in flight; expired ones go whenever a new one comes.
    if (this.known.size > 1_000) for (const [t, c] of this.known) if (c.expiresAt <= Date.now()) this.known.delete(t);
  }

  /**
   * The key authorization for `token` at `hostname`, undefined when there is none. `lookup`: a
   * token not received yet may be asked of the database (only for names this edge serves).
   */
  async answer(hostname: string, token: string, lookup: boolean): Promise<string | undefined> {
    if (!TOKEN.test(token)) return undefined;
    let challenge = this.known.get(token);
    if (challenge === undefined && lookup && !this.misses.has(token)) {
      try {
        const found = await this.certificates.findChallenge(token);
        if (found) this.put(token, (challenge = { hostname: found.hostname, keyAuthorization: found.keyAuthorization, expiresAt: found.expiresAt.getTime() }));
        else this.misses.set(token, true);
      } catch (err) {
        this.logger.warn({ err: String(err) }, 'challenge lookup failed');
      }
    }
    if (challenge === undefined || challenge.expiresAt <= Date.now()) return undefined;
    return challenge.hostname === hostname ? challenge.keyAuthorization : undefined;
  }
}
