import type { IncomingMessage, ServerResponse } from 'node:http';
import { histogram } from './metrics.registry';
import { startSpan, withContext } from './tracing';

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const requestDuration = histogram('deploysphere_http_request_duration_seconds', 'HTTP requests the platform answered (api, gateway, health listeners), by route template and status class.', ['server', 'method', 'route', 'status_class'], HTTP_DURATION_BUCKETS);

/** `2xx`, `4xx`…: status codes one by one would multiply the series for nothing. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Observes one request when its response finishes (or the connection closes first). `route`
 * is read then, so a router that matched afterwards still names its template; a request no
 * route matched is `unmatched` (raw paths would let any client create series).
 */
export function observeRequest(server: string, req: IncomingMessage, res: ServerResponse, route: () => string | undefined, ended?: (route: string, status: number) => void): void {
  const started = process.hrtime.bigint();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const method = req.method && METHODS.has(req.method) ? req.method : 'other';
    const template = route() ?? 'unmatched';
    requestDuration.observe({ server, method, route: template, status_class: res.headersSent || res.writableFinished ? statusClass(res.statusCode) : 'aborted' }, seconds);
    ended?.(template, res.statusCode);
  };
  res.once('finish', finish);
  res.once('close', finish);
}

interface ExpressRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/**
 * Express middleware (Nest HTTP apps): the request's duration histogram, and with tracing on, its
 * server span (a child of the caller's `traceparent`), active while the request is handled so what
 * it writes (outbox rows) carries its trace. The route is Express's matched template, e.g.
 * `/v1/projects/:projectId`.
 */
export function observeHttp(server: string) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const given = req.headers.traceparent;
    const traced = startSpan(`${req.method ?? 'HTTP'}`, 'server', typeof given === 'string' ? given : undefined, { 'http.request.method': req.method ?? '', 'deploysphere.server': server });
    observeRequest(
      server,
      req,
      res,
      () => {
        const r = req as ExpressRequest;
        return typeof r.route?.path === 'string' ? `${r.baseUrl ?? ''}${r.route.path}` : undefined;
      },
      traced &&
        ((route, status) => {
          traced.span.updateName(`${req.method} ${route}`);
          traced.span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
          traced.span.end();
        }),
    );
    withContext(traced?.context, next);
  };
}
