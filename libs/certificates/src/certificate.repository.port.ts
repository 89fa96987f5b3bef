/** Where a custom domain's certificate stands, as the API shows it. */
export type CertificateState = 'PENDING' | 'ISSUED' | 'RENEWAL_FAILING' | 'FAILED';

export interface CertificateStatus {
  domainId: string;
  state: CertificateState;
  notAfter: Date | null;
  lastError: string | null;
  nextAttemptAt: Date;
}

/** A certificate row the issuer leased: it alone works on this name until the lease ends. */
export interface LeasedCertificate {
  domainId: string;
  hostname: string;
  state: CertificateState;
  failures: number;
  notAfter: Date | null;
}

/** What an edge loads to serve a name: the chain and the sealed key (opened with SECRET_BOX and `certificateKeyAad`). */
export interface StoredCertificate {
  domainId: string;
  hostname: string;
  version: number;
  chainPem: string;
  keySealed: string;
  notAfter: Date;
}

export interface IssuedCertificate {
  chainPem: string;
  keySealed: string;
  notBefore: Date;
  notAfter: Date;
  /** When the renewal starts. */
  renewAt: Date;
}

export interface AcmeChallengeRecord {
  hostname: string;
  token: string;
  keyAuthorization: string;
  expiresAt: Date;
}

export interface AcmeAccountRecord {
  keySealed: string;
  accountUrl: string | null;
}

/**
 * Custom-domain certificates, HTTP-01 challenges and the ACME account (tables `certificates`,
 * `acme_challenges`, `acme_accounts`: only this lib names them). Writes that edges must learn
 * about commit with their event (outbox).
 */
export interface CertificateRepository {
  /** A verified domain gets a PENDING row due now, unless it has one. */
  track(domainId: string, hostname: string): Promise<void>;
  /** Rows for verified domains that have none (domains verified while no issuer ran). */
  trackUntracked(): Promise<number>;
  /** Leases up to `limit` due rows of verified domains to `owner` for `leaseSeconds` (one owner per name). */
  claimDue(owner: string, leaseSeconds: number, limit: number): Promise<LeasedCertificate[]>;
  /** Extends the lease; false when `owner` no longer holds it. */
  renewLease(owner: string, domainId: string, leaseSeconds: number): Promise<boolean>;
  /** Stores the new chain and key, releases the lease and announces the new version (CertificateIssued.v1); null when the lease was lost or the domain is gone. */
  recordIssued(owner: string, domainId: string, issued: IssuedCertificate): Promise<number | null>;
  /** RENEWAL_FAILING when a certificate is still served, else FAILED; releases the lease. */
  recordFailure(owner: string, domainId: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Makes the test due now (an operator's "retry now", and the renewal test). */
  dueNow(domainId: string): Promise<void>;
  statusOf(domainIds: string[]): Promise<Map<string, CertificateStatus>>;

  /** Stored and announced (AcmeChallengePublished.v1) in one transaction. */
  publishChallenge(challenge: AcmeChallengeRecord): Promise<void>;
  removeChallenge(token: string): Promise<void>;
  findChallenge(token: string): Promise<AcmeChallengeRecord | null>;
  activeChallenges(): Promise<AcmeChallengeRecord[]>;

  /** Issued certificates of verified domains (an edge's snapshot). */
  issuedCertificates(): Promise<StoredCertificate[]>;
  /** One domain's certificate at `minVersion` or newer, or null. */
  loadIssued(domainId: string, minVersion?: number): Promise<StoredCertificate | null>;

  account(directoryUrl: string): Promise<AcmeAccountRecord | null>;
  /** Keeps the first account stored for the directory (two instances racing converge on one) and returns it. */
  saveAccount(directoryUrl: string, account: AcmeAccountRecord): Promise<AcmeAccountRecord>;
  setAccountUrl(directoryUrl: string, accountUrl: string): Promise<void>;
}

export const CERTIFICATE_REPOSITORY = Symbol('CERTIFICATE_REPOSITORY');

/** Additional authenticated data of a certificate key: a sealed key cannot be moved to another domain. */
export const certificateKeyAad = (domainId: string): string => `certificate\u0000${domainId}`;
/** Additional authenticated data of the ACME account key. */
export const acmeAccountAad = (directoryUrl: string): string => `acme-account\u0000${directoryUrl}`;
