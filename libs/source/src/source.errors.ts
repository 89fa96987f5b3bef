import { DomainError, type ErrorKind } from '@deploysphere/common';

export type SourceFetchProblem =
  | 'SOURCE_ARCHIVE_MISSING'
  | 'SOURCE_UNSAFE_LINK'
  | 'GIT_REPOSITORY_MISSING'
  | 'GIT_URL_UNSUPPORTED'
  | 'GIT_REF_INVALID'
  | 'GIT_REF_NOT_FOUND'
  | 'GIT_AUTH_FAILED'
  | 'GIT_REPOSITORY_NOT_FOUND'
  | 'GIT_TIMEOUT'
  | 'GIT_FETCH_FAILED'
  | 'GIT_UNAVAILABLE';

const KIND: Record<SourceFetchProblem, ErrorKind> = {
  SOURCE_ARCHIVE_MISSING: 'not_found',
  SOURCE_UNSAFE_LINK: 'bad_request',
  GIT_REPOSITORY_MISSING: 'bad_request',
  GIT_URL_UNSUPPORTED: 'bad_request',
  GIT_REF_INVALID: 'bad_request',
  GIT_REF_NOT_FOUND: 'not_found',
  GIT_AUTH_FAILED: 'forbidden',
  GIT_REPOSITORY_NOT_FOUND: 'not_found',
  GIT_TIMEOUT: 'unavailable',
  GIT_FETCH_FAILED: 'unavailable',
  GIT_UNAVAILABLE: 'unavailable',
};

/**
 * Why a deployment's source could not be materialized. `code` is stable (the orchestrator
 * records it as the deployment's failure code) and the message is safe to show the user:
 * URLs are redacted and credentials never appear in it.
 */
export class SourceFetchError extends DomainError {
  constructor(
    readonly problem: SourceFetchProblem,
    message: string,
  ) {
    super(KIND[problem], problem, message);
    this.name = 'SourceFetchError';
  }
}
