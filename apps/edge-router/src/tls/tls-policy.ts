import { createSecureContext, type SecureContext } from 'node:tls';

/**
 * Mozilla's "intermediate" configuration (v5.7): TLS 1.2 and 1.3; for 1.2 only ECDHE with AEAD
 * ciphers (TLS 1.3's suites are all fine and node's defaults). The client's preference decides
 * among them (all are strong, and clients know whether they have AES hardware).
 */
export const TLS_MIN_VERSION = 'TLSv1.2';
export const TLS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');
export const TLS_CURVES = 'X25519:prime256v1:secp384r1';

/** A certificate (PEM chain) and its key as a context for SNI; throws when they do not parse or do not match. */
export function secureContext(chainPem: string | Buffer, keyPem: string | Buffer): SecureContext {
  return createSecureContext({ cert: chainPem, key: keyPem, minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS, ecdhCurve: TLS_CURVES });
}
