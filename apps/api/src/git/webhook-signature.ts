import { createHmac, timingSafeEqual } from 'node:crypto';

/** Binds a sealed webhook secret to its project. */
export const webhookSecretAad = (projectId: string): string => `${projectId}\u0000git-webhook-secret`;

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, compared in
 * constant time. The HMAC is computed whether or not the header is well formed, so the time
 * taken tells nothing about which check failed.
 */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  const match = SIGNATURE.exec(header ?? '');
  const given = match ? Buffer.from(match[1], 'hex') : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, given) && match !== null;
}

/** The header value a sender computes; for tests and for documentation. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
