import { SECURITY_HEADERS } from './content-policy';

/** A fixed answer, rendered once: status, header list (flat, as `writeHead` takes it) and body. */
export interface Page {
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: Buffer;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#fafafa;color:#222}
main{max-width:32rem;padding:2rem}h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:0;color:#555}small{display:block;margin-top:1.5rem;color:#999}</style>
</head><body><main><h1>${escape(title)}</h1><p>${escape(message)}</p><small>DeploySphere</small></main></body></html>
`;
}

function page(status: number, title: string, message: string, extra: string[] = []): Page {
  const body = Buffer.from(html(title, message));
  const headers = [
    'Content-Type',
    'text/html; charset=utf-8',
    'Content-Length',
    String(body.length),
    'Cache-Control',
    'no-store',
    'Content-Security-Policy',
    CSP,
    ...SECURITY_HEADERS,
    ...extra,
  ];
  return Object.freeze({ status, headers: Object.freeze(headers), body });
}

function json(status: number, value: unknown): Page {
  const body = Buffer.from(JSON.stringify(value));
  const headers = ['Content-Type', 'application/json', 'Content-Length', String(body.length), 'Cache-Control', 'no-store', ...SECURITY_HEADERS];
  return Object.freeze({ status, headers: Object.freeze(headers), body });
}

// Pages never echo the host or path back: nothing a client sends ends up in a body.
export const Pages = {
  unknownHost: page(404, 'Nothing is deployed here', 'No project is served at this address. Check the URL for typos.'),
  noDeployment: page(
    404,
    'No live deployment yet',
    'This project exists but has no production deployment. Deploy it, or promote a deployment to production.',
  ),
  notFound: page(404, 'Page not found', 'This deployment has no file at this path.'),
  platform: page(404, 'DeploySphere edge', 'Projects are served at their own subdomains of this address.'),
  invalidHost: page(400, 'Bad request', 'The Host header is missing or malformed.'),
  malformed: page(400, 'Bad request', 'The request could not be read.', ['Connection', 'close']),
  headersTooLarge: page(431, 'Request headers too large', 'The request headers are larger than this server accepts.', ['Connection', 'close']),
  requestTimeout: page(408, 'Request timeout', 'The request was not received in time.', ['Connection', 'close']),
  methodNotAllowed: page(405, 'Method not allowed', 'Only GET and HEAD are served here.', ['Allow', 'GET, HEAD']),
  starting: page(503, 'Starting up', 'The edge is loading its routes. Try again in a moment.', ['Retry-After', '1']),
  unavailable: page(503, 'Temporarily unavailable', 'The files of this deployment cannot be read right now. Try again shortly.', [
    'Retry-After',
    '5',
  ]),
  error: page(500, 'Something went wrong', 'The request could not be served. Try again shortly.'),
  badGateway: page(502, 'Bad gateway', 'The app did not accept the connection. Try again shortly.'),
  gatewayTimeout: page(504, 'Gateway timeout', 'The app did not answer in time.'),
  payloadTooLarge: page(413, 'Request body too large', 'The request body is larger than this server accepts.', ['Connection', 'close']),
  waking: page(503, 'Waking up', 'This app was asleep and is still starting. Try again in a moment.', ['Retry-After', '5']),
  upgradeRefused: page(404, 'Not found', 'Nothing here accepts a WebSocket connection.', ['Connection', 'close']),
  healthy: json(200, { status: 'ok' }),
} as const;

/** A page as raw bytes of an HTTP/1.1 response, for a socket node's HTTP layer no longer writes to (parse errors, upgrades). */
export function rawResponse(p: Page, statusText: string): Buffer {
  const lines = [`HTTP/1.1 ${p.status} ${statusText}`];
  for (let i = 0; i < p.headers.length; i += 2) lines.push(`${p.headers[i]}: ${p.headers[i + 1]}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), p.body]);
}

const badPaths = new Map<string, Page>();

/** The 400 page for a refused path, one per reason (the reasons are a fixed set of constants). */
export function badPathPage(reason: string): Page {
  let p = badPaths.get(reason);
  if (!p) badPaths.set(reason, (p = page(400, 'Bad request', reason)));
  return p;
}

export function readinessPage(checks: Record<string, 'up' | 'down'>): Page {
  const ready = Object.values(checks).every((s) => s === 'up');
  return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
}
