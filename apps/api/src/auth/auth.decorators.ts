import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal, Scope } from '@deploysphere/auth';

export const REQUIRED_SCOPE = 'deploysphere:scope';

/** The scope a route needs; every authenticated route names one. */
export const RequireScope = (scope: Scope) => applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), ApiBearerAuth());

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
