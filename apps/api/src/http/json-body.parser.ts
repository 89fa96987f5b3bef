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
 * Express's JSON parser, with its errors turned into domain errors here: Nest would otherwise
 * flatten a parse error into a generic 400 and lose which failure it was.
 */
export function jsonBodyParser(limit: string): RequestHandler {
  return withDomainErrors(json({ limit, strict: true }));
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
