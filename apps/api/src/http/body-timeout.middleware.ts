import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details';

/**
 * How long a JSON request body may stall (no byte received) before the request is answered 408
 * and its connection closed: a client that announces more bytes than it sends must not hold a
 * connection for minutes. A body that keeps sending is not cut. Only JSON bodies: the parser
 * reads them at once, while an archive upload is read at the pace its handler consumes it, so
 * a quiet socket there may be the server's own backpressure; SourceUploads watches an upload
 * itself, with the same limit, counting only the time it waits for the client.
 */
export const BODY_IDLE_TIMEOUT_MS = 10_000;

export function bodyTimeout(idleMs = BODY_IDLE_TIMEOUT_MS): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.complete || !req.is('application/json')) return next();
    const onTimeout = () => {
      if (req.complete) return;
      if (res.headersSent) return void req.socket.destroy();
      const body = JSON.stringify({
        type: problemType('BODY_TIMEOUT'),
        title: `No byte of the request body arrived for ${idleMs / 1000} s`,
        status: 408,
        code: 'BODY_TIMEOUT',
        instance: req.originalUrl?.split('?')[0],
      });
      res.writeHead(408, { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      res.end(body, () => req.socket.destroy());
    };
    req.setTimeout(idleMs, onTimeout);
    // Once the body is in, the handler may take as long as it needs.
    const clear = () => {
      req.socket?.setTimeout(0);
      req.removeListener('timeout', onTimeout);
    };
    req.once('end', clear);
    req.once('close', clear);
    next();
  };
}
