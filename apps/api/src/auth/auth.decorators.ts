import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal, Role } from '@deploysphere/auth';

export const REQUIREMENT = 'deploysphere:requirement';

/**
 * What a route needs from its caller; every route declares one, or is @Public():
 *  - a role in the acting team (a token's scopes map onto roles: admin → owner, write → member, read → viewer);
 *  - `signed-in`: a user's session, whatever their team (their own account and sessions);
 *  - `operator`: the installation's admin token (creating teams, acting across them).
 */
export type Requirement = Role | 'signed-in' | 'operator';

/** Documented as bearer auth; the session cookie, which works wherever a bearer token does, is described once for the whole document. */
const declare = (requirement: Requirement) => applyDecorators(SetMetadata(REQUIREMENT, requirement), ApiExtension('x-deploysphere-requires', requirement), ApiBearerAuth());

/** The acting team's role the route needs: `viewer` reads, `member` changes, `owner` administers the team. */
export const RequireRole = (role: Role) => declare(role);
/** A signed-in user (session cookie); tokens are not users. */
export const RequireSignedIn = () => declare('signed-in');
/** The installation operator's admin token. */
export const RequireOperator = () => declare('operator');

export interface RequestContext {
  principal: Principal;
  correlationId: string;
}

export type AuthenticatedRequest = Request & { principal?: Principal; id?: string | number };

/** The caller and the request's correlation id, for commands and queries. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new Error('Ctx used on a route without authentication');
  return { principal: req.principal, correlationId: String(req.id ?? '') };
});
