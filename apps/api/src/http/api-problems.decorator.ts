import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsDto } from './problem-details';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request (e.g. invalid JSON)',
  401: 'Missing, invalid, expired or revoked token or session (UNAUTHORIZED)',
  403: 'The token lacks the scope (INSUFFICIENT_SCOPE) or the user the role (INSUFFICIENT_ROLE) this needs, or a signed-in request lacks its CSRF token (CSRF_TOKEN_INVALID)',
  404: 'Not found, or not visible to this token',
  408: 'The request body stalled: no byte arrived for 10 s (BODY_TIMEOUT); the connection is closed',
  409: 'Conflicts with the current state',
  413: 'Body larger than the configured limit (PAYLOAD_TOO_LARGE)',
  415: 'Unsupported content type',
  422: 'Validation failed; `errors` lists each bad field (VALIDATION_FAILED)',
  423: 'Too many failed sign-ins for this email: locked for a while, see Retry-After (ACCOUNT_LOCKED)',
  429: 'Too many failed sign-ins from this address: see Retry-After (SIGN_IN_RATE_LIMITED)',
};

/** Documents the problem+json responses a route can return; 401, 403 and 422 come with every authenticated route. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set([401, 403, 422, ...statuses])].sort();
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      }),
    ),
  );
}
