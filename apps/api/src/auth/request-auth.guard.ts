import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@deploysphere/bootstrap';
import { DomainError } from '@deploysphere/common';
import { atLeast, readCookie, SESSION_COOKIE, SessionAuthenticator, TokenAuthenticator, type Principal } from '@deploysphere/auth';
import { REQUIREMENT, type AuthenticatedRequest, type Requirement } from './auth.decorators';
import { CSRF_HEADER, isValidCsrfToken, SAFE_METHODS } from './csrf';

/** The header a signed-in user in several teams names the acting team with. */
export const TEAM_HEADER = 'x-deploysphere-team';

/** What a token scope a role corresponds to, for messages to token callers. */
const SCOPE_OF_ROLE = { owner: 'admin', member: 'write', viewer: 'read' } as const;

/**
 * Global guard: every route needs a caller that meets its declared requirement, unless @Public().
 * A bearer token wins over a session cookie; a cookie-authenticated request that changes state
 * must repeat the CSRF token in `X-CSRF-Token`. A route that declares nothing is the operator's.
 */
@Injectable()
export class RequestAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenAuthenticator,
    private readonly sessions: SessionAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.identify(req);
    check(principal, this.reflector.getAllAndOverride<Requirement>(REQUIREMENT, targets) ?? 'operator');
    req.principal = principal;
    return true;
  }

  private async identify(req: AuthenticatedRequest): Promise<Principal> {
    if (req.headers.authorization !== undefined) return this.tokens.authenticate(req.headers.authorization);
    const secret = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!secret) throw new DomainError('unauthorized', 'UNAUTHORIZED', 'Sign in, or send a bearer token (Authorization: Bearer <token>)');
    if (!SAFE_METHODS.has(req.method) && !isValidCsrfToken(secret, header(req, CSRF_HEADER))) {
      throw new DomainError('forbidden', 'CSRF_TOKEN_INVALID', 'A signed-in request that changes state must send the ds_csrf cookie\'s value in X-CSRF-Token');
    }
    const identity = await this.sessions.authenticate(secret, header(req, TEAM_HEADER));
    return {
      teamId: identity.team?.id ?? '',
      role: identity.team?.role,
      operator: false,
      userId: identity.userId,
      sessionId: identity.sessionId,
    };
  }
}

function header(req: AuthenticatedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value || undefined;
}

function check(principal: Principal, needed: Requirement): void {
  if (needed === 'operator') {
    if (!principal.operator) throw new DomainError('forbidden', 'INSUFFICIENT_SCOPE', "This needs the installation's admin token");
    return;
  }
  if (needed === 'signed-in') {
    if (!principal.userId) throw new DomainError('forbidden', 'SESSION_REQUIRED', 'This needs a signed-in user (a session), not a token');
    return;
  }
  if (principal.userId && !principal.role) throw new DomainError('forbidden', 'NO_TEAM', 'You are not a member of any team');
  if (atLeast(principal.role, needed)) return;
  if (principal.tokenId) throw new DomainError('forbidden', 'INSUFFICIENT_SCOPE', `This needs a token with the "${SCOPE_OF_ROLE[needed]}" scope`);
  throw new DomainError('forbidden', 'INSUFFICIENT_ROLE', `This needs the ${needed} role in the team`);
}
