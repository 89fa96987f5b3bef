import type { TLSSocket } from 'node:tls';
import type { CookieOptions, Request, Response } from 'express';
import { SESSION_COOKIE } from '@deploysphere/auth';
import { CSRF_COOKIE, csrfTokenFor } from '../auth/csrf';

/** Came over TLS: to this process, or to a proxy in front of it that says so (X-Forwarded-Proto). */
export function cameOverTls(req: Request): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return (req.socket as TLSSocket).encrypted === true || first === 'https';
}

function options(req: Request, httpOnly: boolean): CookieOptions {
  return { httpOnly, sameSite: 'lax', path: '/', secure: cameOverTls(req) };
}

/**
 * The session cookie (HttpOnly: scripts never read the secret) and the CSRF cookie (readable, so
 * the dashboard can repeat it in X-CSRF-Token). Both live as long as the session.
 */
export function setSessionCookies(req: Request, res: Response, secret: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, secret, { ...options(req, true), expires: expiresAt });
  res.cookie(CSRF_COOKIE, csrfTokenFor(secret), { ...options(req, false), expires: expiresAt });
}

export function clearSessionCookies(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, options(req, true));
  res.clearCookie(CSRF_COOKIE, options(req, false));
}

/** What a session row records about the browser that started it. */
export function clientOf(req: Request): { userAgent: string | undefined; address: string } {
  const agent = req.headers['user-agent'];
  return { userAgent: agent ? agent.slice(0, 400) : undefined, address: req.socket.remoteAddress ?? 'unknown' };
}
