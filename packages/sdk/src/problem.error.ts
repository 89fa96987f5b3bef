import type { components } from './generated/schema';

export type ProblemDetails = components['schemas']['ProblemDetailsDto'];

/**
 * Every non-2xx answer of the API, parsed from its `application/problem+json` body. `code` is
 * stable and machine-readable (e.g. `PROJECT_NOT_FOUND`, `VALIDATION_FAILED`); `errors` lists
 * the invalid fields of a 422.
 */
export class DeploySphereError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors: NonNullable<ProblemDetails['errors']>;
  readonly requestId?: string;

  constructor(problem: ProblemDetails) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'DeploySphereError';
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
  }

  /** The error for a failed response, whatever its body (a proxy may answer with HTML). */
  static async fromResponse(response: Response, body?: unknown): Promise<DeploySphereError> {
    const parsed = body ?? (await response.text().then(parseJson, () => undefined));
    if (isProblem(parsed)) return new DeploySphereError(parsed);
    return new DeploySphereError({
      type: 'about:blank',
      title: response.statusText || `HTTP ${response.status}`,
      status: response.status,
      code: `HTTP_${response.status}`,
    });
  }
}

/** The API could not be reached at all (refused, DNS, TLS): no HTTP answer to report. */
export class DeploySphereConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`could not reach ${url}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`, { cause });
    this.name = 'DeploySphereConnectionError';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is ProblemDetails {
  const v = value as Partial<ProblemDetails> | undefined;
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && typeof v.title === 'string' && typeof v.status === 'number';
}
