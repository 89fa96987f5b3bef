import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@deploysphere/bootstrap';
import { DomainError } from '@deploysphere/common';
import { REQUIRED_SCOPE, type AuthenticatedRequest } from './auth.decorators';
import { hasScope, type Scope } from '@deploysphere/auth';
import { TokenAuthenticator } from '@deploysphere/auth';

/** Global guard: every route needs a valid bearer token and its declared scope, unless @Public(). */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticator.authenticate(req.headers.authorization);
    const needed = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'admin';
    if (!hasScope(principal, needed)) {
      throw new DomainError('forbidden', 'INSUFFICIENT_SCOPE', `This needs a token with the "${needed}" scope`);
    }
    req.principal = principal;
    return true;
  }
}
