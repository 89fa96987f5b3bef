import { json, raw, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { DomainError } from '@deploysphere/common';

/** body-parser failures by their `type`, as stable problem codes. */
const FAILURES: Record<string, { kind: DomainError['kind']; code: string; title: string }> = {
  'entity.parse.failed': { kind: 'bad_request', code: 'MALFORMED_JSON', title: 'The body is not valid JSON' },
  'entity.too.large': { kind: 'payload_too_large', code: 'PAYLOAD_TOO_LARGE', title: 'The body is larger than the limit' },
  'encoding.unsupported': { kind: 'unsupported_media_type', code: 'UNSUPPORTED_CONTENT_ENCODING', title: 'Unsupported Content-Encoding' },
  'charset.unsupported': { kind: 'unsupported_media_type', code: 'UNSUPPORTED_CHARSET', title: 'Unsupported charset' },
  'request.size.invalid': { kind: 'bad_request', code: 'BODY_SIZE_MISMATCH', title: 'The body does not match Content-Length' },
  'request.aborted': { kind: 'bad_request', code: 'REQUEST_ABORTED', title: 'The request was aborted' },
};

/**
 * Deepest nesting of arrays and objects a JSON body may have. DTOs nest two levels; the bound
 * keeps the recursive transform and validation that follow parsing far from the stack's end.
 */
export const MAX_JSON_DEPTH = 32;

const EMPTY_BODY = Symbol('emptyBody');

/**
 * Express's JSON parser, with its errors turned into domain errors here: Nest would otherwise
 * flatten a parse error into a generic 400 and lose which failure it was. An empty body stays
 * `undefined` (not `{}`), so a route that needs a body can tell it is missing.
 */
export function jsonBodyParser(limit: string): RequestHandler {
  const parse = withDomainErrors(
    json({
      limit,
      strict: true,
      verify: (req, _res, buf) => {
        if (buf.length === 0) (req as Request & { [EMPTY_BODY]?: boolean })[EMPTY_BODY] = true;
      },
    }),
  );
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      if ((req as Request & { [EMPTY_BODY]?: boolean })[EMPTY_BODY]) req.body = undefined;
      else if (req.body !== undefined && nestingDepth(req.body) > MAX_JSON_DEPTH) {
        return next(new DomainError('bad_request', 'MALFORMED_JSON', `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`));
      }
      next();
    });
}

/** Depth of nested arrays and objects, without recursion (the input may be deep). */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * A JSON body kept as the exact bytes received (`req.body` is a Buffer), for routes that verify
 * a signature over them (git webhooks) and parse afterwards. Compressed bodies are refused:
 * the signature covers what the sender signed, not a re-encoding of it.
 */
export function rawJsonBodyParser(limit: string): RequestHandler {
  return withDomainErrors(raw({ limit, type: 'application/json', inflate: false }));
}

function withDomainErrors(parse: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const failure = FAILURES[(err as { type?: string }).type ?? ''];
      next(failure ? new DomainError(failure.kind, failure.code, failure.title) : err);
    });
}
