/**
 * Domain errors carry a stable machine-readable `code` and a `kind`; each transport maps the
 * kind to its own vocabulary (HTTP status, dead-letter, socket error). Libs never throw
 * transport exceptions.
 */
export type ErrorKind =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'locked'
  | 'timeout'
  | 'unavailable';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: { errors?: FieldError[]; [key: string]: unknown },
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A resource name as a code word: `env var` → `ENV_VAR` (codes and problem URNs hold no spaces). */
function codeWord(resource: string): string {
  return resource.trim().toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id?: string) {
    super('not_found', `${codeWord(resource)}_NOT_FOUND`, id ? `${resource} ${id} was not found` : `${resource} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super('conflict', code, message, details);
  }
}

export class ValidationError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is invalid') {
    super('validation', 'VALIDATION_FAILED', message, { errors });
  }
}
