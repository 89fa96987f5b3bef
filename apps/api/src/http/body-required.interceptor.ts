import { type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ValidationError } from '@deploysphere/common';

/**
 * A route that takes a `@Body()` requires one, as its OpenAPI document says, unless its
 * `@ApiBody({ required: false })` says otherwise: a PATCH or PUT sent without a body is a
 * client mistake (422), not an empty update.
 */
export class BodyRequiredInterceptor implements NestInterceptor {
  private readonly required = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && this.requiresBody(context) && context.switchToHttp().getRequest<Request>().body === undefined) {
      throw new ValidationError([{ field: 'body', code: 'required', message: 'This operation needs a JSON body' }]);
    }
    return next.handle();
  }

  private requiresBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let required = this.required.get(handler);
    if (required === undefined) {
      const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      const takesBody = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
      const documented: Array<{ in?: string; required?: boolean }> = Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) ?? [];
      required = takesBody && documented.find((p) => p.in === 'body')?.required !== false;
      this.required.set(handler, required);
    }
    return required;
  }
}
