/** The challenge the authority's server will fetch over plain HTTP from the name being certified. */
export interface Http01Challenge {
  hostname: string;
  token: string;
  keyAuthorization: string;
}

export interface ChallengePublisher {
  /** Resolves once every edge can answer it (stored and announced). */
  publish(challenge: Http01Challenge): Promise<void>;
  remove(challenge: Http01Challenge): Promise<void>;
}

export interface ObtainedCertificate {
  /** Leaf first, then intermediates. */
  chainPem: string;
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
}

/** A certificate authority reached over ACME (HTTP-01). Errors carry the server's reason, never key material. */
export interface CertificateAuthority {
  obtain(hostname: string, challenges: ChallengePublisher): Promise<ObtainedCertificate>;
}

export const CERTIFICATE_AUTHORITY = Symbol('CERTIFICATE_AUTHORITY');
