import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { contentType } from 'mime-types';
import Negotiator from 'negotiator';
import { PROBLEM_CONTENT_TYPE, problemType } from '../http/problem-details';

/**
 * Top-level paths of the dashboard's client routes (apps/dashboard/src/routes.tsx): only these
 * answer with the page on a browser's navigation. Everything else (`/v1`, `/docs`,
 * `/socket.io`, `/openapi.json`, health) never does.
 */
export const DASHBOARD_ROUTES = ['/', '/sign-in', '/setup', '/invite', '/projects', '/deployments', '/team', '/account'] as const;

/** Vite names every file under assets/ after a hash of its content: cached for a year. */
const HASHED_PREFIX = 'assets/';
const ENCODINGS = ['br', 'gzip'] as const;
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map)$/;

interface StaticFile {
  type: string;
  etag: string;
  immutable: boolean;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

export interface DashboardOptions {
  /** Where `npm run build` wrote the dashboard; default: the workspace package's dist/. */
  root?: string;
  /** The gateway's port: the page opens its live-log socket there (CSP connect-src allows it). */
  gatewayPort?: number;
}

/**
 * Serves the built dashboard (apps/dashboard/dist) at `/`: assets with long caching, compressed
 * once in memory (brotli or gzip by Accept-Encoding), index.html for the client routes with a
 * Content-Security-Policy the app satisfies (its own scripts and styles only; fetches to the API
 * and the live-log socket of the gateway). No second server: the api app's own middleware.
 */
export function dashboardStatic(options: DashboardOptions = {}): RequestHandler {
  let files: Map<string, StaticFile> | null | undefined;
  const load = () => (files === undefined ? (files = loadFiles(options.root ?? defaultRoot(), options.gatewayPort)) : files);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    const name = path.slice(1);
    const route = isClientRoute(path) && wantsHtml(req);
    if (!route && !(name !== 'index.html' && name !== '' && !name.startsWith('v1/') && load()?.has(name))) return next();
    const loaded = load();
    if (!loaded) return notBuilt(res);
    const file = loaded.get(route ? 'index.html' : name)!;
    send(req, res, file, route ? contentSecurityPolicy(req, options.gatewayPort) : undefined);
  };
}

function isClientRoute(path: string): boolean {
  return DASHBOARD_ROUTES.some((r) => path === r || (r !== '/' && path.startsWith(`${r}/`)));
}

function wantsHtml(req: Request): boolean {
  return req.accepts(['text/html', 'application/json']) === 'text/html';
}

/** br before gzip when the client rates them equally (smaller); what the file has, else identity. */
function pickEncoding(req: Request, file: StaticFile): 'br' | 'gzip' | 'identity' {
  if (!file.br || !file.gzip) return 'identity';
  const header = req.headers['accept-encoding'];
  const ranked = new Negotiator({ headers: { 'accept-encoding': header } }).encodings(ENCODINGS, { preferred: ENCODINGS });
  return (ranked[0] as 'br' | 'gzip' | undefined) ?? 'identity';
}

function send(req: Request, res: Response, file: StaticFile, csp: string | undefined): void {
  const encoding = pickEncoding(req, file);
  const body = encoding === 'identity' ? file.identity : file[encoding]!;
  res.setHeader('Content-Type', file.type);
  res.setHeader('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('ETag', file.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (csp) {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
  }
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  if (encoding !== 'identity') res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', String(body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

/** Host names the CSP may name: a DNS name, IPv4 or a bracketed IPv6 address (never a header's free text). */
const SAFE_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/i;

function contentSecurityPolicy(req: Request, gatewayPort: number | undefined): string {
  const connect = ["'self'"];
  const host = req.hostname;
  if (gatewayPort && SAFE_HOST.test(host)) {
    const tls = req.protocol === 'https';
    connect.push(`${tls ? 'wss' : 'ws'}://${host}:${gatewayPort}`, `${tls ? 'https' : 'http'}://${host}:${gatewayPort}`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function notBuilt(res: Response): void {
  const code = 'DASHBOARD_NOT_BUILT';
  res.status(503).type(PROBLEM_CONTENT_TYPE).json({
    type: problemType(code),
    title: 'Service Unavailable',
    status: 503,
    code,
    detail: 'The dashboard has not been built: run `npm run build`',
  });
}

function defaultRoot(): string {
  return join(dirname(require.resolve('@deploysphere/dashboard/package.json')), 'dist');
}

/** Every file of the build, read and compressed once; null when there is no build. */
function loadFiles(root: string, gatewayPort: number | undefined): Map<string, StaticFile> | null {
  let index: Buffer;
  try {
    index = readFileSync(join(root, 'index.html'));
  } catch {
    return null;
  }
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && statSync(full).size > 0) {
        const name = relative(root, full).split(sep).join('/');
        const content = name === 'index.html' ? withGatewayPort(index, gatewayPort) : readFileSync(full);
        files.set(name, prepare(name, content));
      }
    }
  };
  walk(root);
  return files;
}

/** The page learns the gateway's port from a meta element (the host is its own). */
function withGatewayPort(index: Buffer, gatewayPort: number | undefined): Buffer {
  if (!gatewayPort) return index;
  return Buffer.from(index.toString('utf8').replace('</head>', `<meta name="deploysphere-gateway-port" content="${gatewayPort}"></head>`));
}

function prepare(name: string, identity: Buffer): StaticFile {
  const compress = COMPRESSIBLE.test(name) && identity.length > 1024;
  return {
    type: contentType(extname(name)) || 'application/octet-stream',
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
    immutable: name.startsWith(HASHED_PREFIX),
    identity,
    gzip: compress ? gzipSync(identity, { level: 9 }) : undefined,
    br: compress ? brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }) : undefined,
  };
}
