import { Injectable } from '@nestjs/common';
import { AcmeChallengePublishedV1, CertificateIssuedV1 } from '@deploysphere/contracts';
import { newId } from '@deploysphere/common';
import { Prisma, PrismaService } from '@deploysphere/database';
import { OutboxWriter } from '@deploysphere/messaging';
import type {
  AcmeAccountRecord,
  AcmeChallengeRecord,
  CertificateRepository,
  CertificateState,
  CertificateStatus,
  IssuedCertificate,
  LeasedCertificate,
  StoredCertificate,
} from '../certificate.repository.port';

/** Longest failure reason kept (ACME problem documents can be long; the API shows it). */
const MAX_ERROR = 1000;

interface StoredRow {
  domain_id: string;
  hostname: string;
  version: number;
  chain_pem: string;
  key_sealed: string;
  not_after: Date;
}

const stored = (row: StoredRow): StoredCertificate => ({
  domainId: row.domain_id,
  hostname: row.hostname,
  version: row.version,
  chainPem: row.chain_pem,
  keySealed: row.key_sealed,
  notAfter: row.not_after,
});

@Injectable()
export class PostgresCertificateRepository implements CertificateRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
  ) {}

  async track(domainId: string, hostname: string): Promise<void> {
    await this.prisma.query(Prisma.sql`
      INSERT INTO certificates (domain_id, hostname, state, updated_at)
      SELECT id, ${hostname}, 'PENDING', now() FROM domains WHERE id = ${domainId} AND verified_at IS NOT NULL
      ON CONFLICT (domain_id) DO NOTHING`);
  }

  async trackUntracked(): Promise<number> {
    const rows = await this.prisma.query<{ domain_id: string }>(Prisma.sql`
      INSERT INTO certificates (domain_id, hostname, state, updated_at)
      SELECT d.id, d.hostname, 'PENDING', now() FROM domains d
      WHERE d.verified_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.domain_id = d.id)
      ON CONFLICT (domain_id) DO NOTHING
      RETURNING domain_id`);
    return rows.length;
  }

  async claimDue(owner: string, leaseSeconds: number, limit: number): Promise<LeasedCertificate[]> {
    const rows = await this.prisma.query<{ domain_id: string; hostname: string; state: CertificateState; failures: number; not_after: Date | null }>(Prisma.sql`
      UPDATE certificates c SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
      WHERE c.domain_id IN (
        SELECT c2.domain_id FROM certificates c2 JOIN domains d ON d.id = c2.domain_id AND d.verified_at IS NOT NULL
        WHERE c2.next_attempt_at <= now() AND (c2.lease_until IS NULL OR c2.lease_until < now())
        ORDER BY c2.next_attempt_at LIMIT ${limit}
        FOR UPDATE OF c2 SKIP LOCKED)
      RETURNING c.domain_id, c.hostname, c.state, c.failures, c.not_after`);
    return rows.map((r) => ({ domainId: r.domain_id, hostname: r.hostname, state: r.state, failures: r.failures, notAfter: r.not_after }));
  }

  async renewLease(owner: string, domainId: string, leaseSeconds: number): Promise<boolean> {
    const rows = await this.prisma.query(Prisma.sql`
      UPDATE certificates SET lease_until = now() + make_interval(secs => ${leaseSeconds})
      WHERE domain_id = ${domainId} AND lease_owner = ${owner} RETURNING domain_id`);
    return rows.length === 1;
  }

  async recordIssued(owner: string, domainId: string, issued: IssuedCertificate): Promise<number | null> {
    return this.outbox.transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ hostname: string; version: number }>>(Prisma.sql`
        UPDATE certificates SET state = 'ISSUED', chain_pem = ${issued.chainPem}, key_sealed = ${issued.keySealed},
          not_before = ${issued.notBefore}, not_after = ${issued.notAfter}, version = version + 1, failures = 0, last_error = NULL,
          next_attempt_at = ${issued.renewAt}, lease_owner = NULL, lease_until = NULL, updated_at = now()
        WHERE domain_id = ${domainId} AND lease_owner = ${owner}
        RETURNING hostname, version`);
      if (rows.length === 0) return null;
      const { hostname, version } = rows[0];
      await this.outbox.add(
        tx,
        CertificateIssuedV1,
        { domainId, hostname, version, notAfter: issued.notAfter.toISOString() },
        { key: domainId, correlationId: newId('cor') },
      );
      return version;
    });
  }

  async recordFailure(owner: string, domainId: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.prisma.query(Prisma.sql`
      UPDATE certificates SET state = CASE WHEN chain_pem IS NULL THEN 'FAILED' ELSE 'RENEWAL_FAILING' END,
        failures = failures + 1, last_error = ${error.slice(0, MAX_ERROR)}, next_attempt_at = ${nextAttemptAt},
        lease_owner = NULL, lease_until = NULL, updated_at = now()
      WHERE domain_id = ${domainId} AND lease_owner = ${owner}`);
  }

  async dueNow(domainId: string): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE certificates SET next_attempt_at = now(), updated_at = now() WHERE domain_id = ${domainId}`);
  }

  async statusOf(domainIds: string[]): Promise<Map<string, CertificateStatus>> {
    if (domainIds.length === 0) return new Map();
    const rows = await this.prisma.query<{ domain_id: string; state: CertificateState; not_after: Date | null; last_error: string | null; next_attempt_at: Date }>(Prisma.sql`
      SELECT domain_id, state, not_after, last_error, next_attempt_at FROM certificates WHERE domain_id = ANY(${domainIds}::text[])`);
    return new Map(
      rows.map((r) => [r.domain_id, { domainId: r.domain_id, state: r.state, notAfter: r.not_after, lastError: r.last_error, nextAttemptAt: r.next_attempt_at }]),
    );
  }

  async publishChallenge(challenge: AcmeChallengeRecord): Promise<void> {
    await this.outbox.transaction(async (tx) => {
      await tx.$executeRaw(Prisma.sql`
        INSERT INTO acme_challenges (token, hostname, key_authorization, expires_at)
        VALUES (${challenge.token}, ${challenge.hostname}, ${challenge.keyAuthorization}, ${challenge.expiresAt})
        ON CONFLICT (token) DO UPDATE SET hostname = EXCLUDED.hostname, key_authorization = EXCLUDED.key_authorization, expires_at = EXCLUDED.expires_at`);
      // Challenges of earlier attempts that nobody removed (a crashed issuer) go with the next one.
      await tx.$executeRaw(Prisma.sql`DELETE FROM acme_challenges WHERE expires_at < now()`);
      await this.outbox.add(
        tx,
        AcmeChallengePublishedV1,
        { hostname: challenge.hostname, token: challenge.token, keyAuthorization: challenge.keyAuthorization, expiresAt: challenge.expiresAt.toISOString() },
        { key: challenge.hostname, correlationId: newId('cor') },
      );
    });
  }

  async removeChallenge(token: string): Promise<void> {
    await this.prisma.query(Prisma.sql`DELETE FROM acme_challenges WHERE token = ${token}`);
  }

  async findChallenge(token: string): Promise<AcmeChallengeRecord | null> {
    const rows = await this.prisma.query<{ hostname: string; token: string; key_authorization: string; expires_at: Date }>(Prisma.sql`
      SELECT hostname, token, key_authorization, expires_at FROM acme_challenges WHERE token = ${token} AND expires_at > now()`);
    return rows[0] ? { hostname: rows[0].hostname, token: rows[0].token, keyAuthorization: rows[0].key_authorization, expiresAt: rows[0].expires_at } : null;
  }

  async activeChallenges(): Promise<AcmeChallengeRecord[]> {
    const rows = await this.prisma.query<{ hostname: string; token: string; key_authorization: string; expires_at: Date }>(Prisma.sql`
      SELECT hostname, token, key_authorization, expires_at FROM acme_challenges WHERE expires_at > now()`);
    return rows.map((r) => ({ hostname: r.hostname, token: r.token, keyAuthorization: r.key_authorization, expiresAt: r.expires_at }));
  }

  async issuedCertificates(): Promise<StoredCertificate[]> {
    const rows = await this.prisma.query<StoredRow>(Prisma.sql`
      SELECT c.domain_id, c.hostname, c.version, c.chain_pem, c.key_sealed, c.not_after
      FROM certificates c JOIN domains d ON d.id = c.domain_id AND d.verified_at IS NOT NULL
      WHERE c.chain_pem IS NOT NULL AND c.key_sealed IS NOT NULL AND c.not_after > now()`);
    return rows.map(stored);
  }

  async loadIssued(domainId: string, minVersion = 1): Promise<StoredCertificate | null> {
    const rows = await this.prisma.query<StoredRow>(Prisma.sql`
      SELECT c.domain_id, c.hostname, c.version, c.chain_pem, c.key_sealed, c.not_after
      FROM certificates c JOIN domains d ON d.id = c.domain_id AND d.verified_at IS NOT NULL
      WHERE c.domain_id = ${domainId} AND c.version >= ${minVersion} AND c.chain_pem IS NOT NULL AND c.key_sealed IS NOT NULL`);
    return rows[0] ? stored(rows[0]) : null;
  }

  async account(directoryUrl: string): Promise<AcmeAccountRecord | null> {
    const rows = await this.prisma.query<{ key_sealed: string; account_url: string | null }>(Prisma.sql`
      SELECT key_sealed, account_url FROM acme_accounts WHERE directory_url = ${directoryUrl}`);
    return rows[0] ? { keySealed: rows[0].key_sealed, accountUrl: rows[0].account_url } : null;
  }

  async saveAccount(directoryUrl: string, account: AcmeAccountRecord): Promise<AcmeAccountRecord> {
    await this.prisma.query(Prisma.sql`
      INSERT INTO acme_accounts (directory_url, key_sealed, account_url) VALUES (${directoryUrl}, ${account.keySealed}, ${account.accountUrl})
      ON CONFLICT (directory_url) DO NOTHING`);
    return (await this.account(directoryUrl))!;
  }

  async setAccountUrl(directoryUrl: string, accountUrl: string): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE acme_accounts SET account_url = ${accountUrl} WHERE directory_url = ${directoryUrl}`);
  }
}
