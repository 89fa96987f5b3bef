import { createHash } from 'node:crypto';
import { safeEqual } from '@deploysphere/common';

/** The readable cookie holding the CSRF token, and the header a state-changing request repeats it in. */
export const CSRF_COOKIE = 'ds_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The CSRF token of a session: derived from its secret, so it cannot be planted from a sibling
 * host (a tossed `ds_csrf` cookie matches no session) and needs no storage.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHash('sha256').update(`deploysphere-csrf\u0000${sessionSecret}`).digest('base64url');
}

export function isValidCsrfToken(sessionSecret: string, sent: string | undefined): boolean {
  return typeof sent === 'string' && safeEqual(sent, csrfTokenFor(sessionSecret));
}

/** Methods that change nothing (RFC 9110 §9.2.1) need no CSRF token. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
