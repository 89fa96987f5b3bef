import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError, type ErrorKind, type FieldError } from '@deploysphere/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  bad_request: 400,
  validation: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  locked: 423,
  timeout: 408,
  unavailable: 503,
};

/** Codes for what Express and Nest raise before a handler runs. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * The one HTTP error mapper: every error leaves as `application/problem+json` with a stable
 * `code`. Client mistakes are 4xx; only a genuine fault is a 500, and its detail is logged,
 * never sent.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) this.logger.error({ err: exception, path: req.url }, 'unhandled error');
    if (res.headersSent) return;
    // The client stopped sending its body: the rest will not come, so the connection goes with the answer.
    if (problem.status === 408) res.setHeader('Connection', 'close');
    // A refusal that ends by itself (rate limit, lock) says when, as RFC 9110 §10.2.3 has it.
    const retryAfter = problem.extra?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .json({
        ...problem.extra,
        type: problemType(problem.code),
        title: problem.title,
        status: problem.status,
        code: problem.code,
        ...(problem.detail ? { detail: problem.detail } : {}),
        instance: req.originalUrl?.split('?')[0],
        ...(req.id ? { requestId: String(req.id) } : {}),
        ...(problem.errors ? { errors: problem.errors } : {}),
      });
  }

  private toProblem(exception: unknown): {
    status: number;
    code: string;
    title: string;
    detail?: string;
    errors?: FieldError[];
    extra?: Record<string, unknown>;
  } {
    if (exception instanceof DomainError) {
      const { errors, ...extra } = exception.details ?? {};
      return { status: STATUS_BY_KIND[exception.kind], code: exception.code, title: exception.message, errors, extra };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return {
        status,
        code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
        title: Array.isArray(message) ? message.join('; ') : String(message),
      };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', title: 'Internal server error' };
  }
}
