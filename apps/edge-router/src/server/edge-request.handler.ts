import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { ServerResponse, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import fresh from 'fresh';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream';
import { ACCESS_LOG_SINK, type AccessLogRecord, type AccessLogSink } from '../access-log/access-log-sink.port';
import { AppProxy, type ProxyResponder } from '../proxy/app-proxy';
import { RouteTable } from '../routing/route-table';
import type { DeploymentRoute, HostResolution, ProjectRoute } from '../routing/route.types';
import { isNavigation, pinCookie, pinnedDeploymentIds } from '../routing/skew-pin';
import { ACCEPTS_BR, ACCEPTS_GZIP, PREFERS_GZIP, acceptedEncodings } from '../serving/accept-encoding';
import { BlobCache, BlobIntegrityError, type CachedBlob } from '../serving/blob-cache';
import { parseRange, UNSATISFIABLE, type ByteRange } from '../serving/byte-range';
import { isContentHashedName, SECURITY_HEADERS } from '../serving/content-policy';
import { BR, GZIP, IDENTITY, type DeploymentFiles, type EncodingIndex, type FileRecord } from '../serving/deployment-files';
import { ManifestCache } from '../serving/manifest-cache';
import { badPathPage, Pages, rawResponse, readinessPage, type Page } from '../serving/pages';
import { encodePath, normalizeRequestPath, RejectedPath } from '../serving/request-path';
import { ACME_CHALLENGE_PREFIX } from '../tls/acme-challenges';
import { EdgeTls, HSTS_VALUE } from '../tls/edge-tls';
import { Exchange } from './exchange';
import { EdgeMetrics } from './edge-metrics';

const DEPLOYMENT_HEADER = 'X-DeploySphere-Deployment';
const ENCODING_NAMES = ['', 'gzip', 'br'];
const MAX_LOGGED = 1024;
const PRINTABLE = /^[\x21-\x7e]*$/;

/**
 * Whether a 304 carries the weak tag of the compressed variants: when the client's
 * `If-None-Match` names only that form, so a cache finds the stored response it validates; for
 * `If-Modified-Since` alone, when the 200 would most likely have been compressed.
 */
function weakValidator(x: Exchange, file: FileRecord): boolean {
  const header = x.ifNoneMatch;
  if (header === undefined) return file.compressible && (acceptedEncodings(x.acceptEncoding) & (ACCEPTS_GZIP | ACCEPTS_BR)) !== 0;
  for (let i = header.indexOf(file.etag); i >= 0; i = header.indexOf(file.etag, i + 1)) if (header.charCodeAt(i - 1) !== 0x2f /* the / of W/ */) return false;
  return header.trim() !== '*';
}

/**
 * The data plane's request path: Host → deployment (route table, in memory), path → manifest
 * entry (cached per deployment), bytes → client (cached per digest, compressed once). Every
 * answer is written from precomputed header lists; anything unexpected becomes a plain error
 * page, never a stack trace. Works on raw `node:http` objects, no framework in the way.
 */
@Injectable()
export class EdgeRequestHandler implements ProxyResponder {
  private readonly logger = new Logger('EdgeRouter');
  /** Set while the server drains: answers carry `Connection: close`. */
  draining = false;
  /** A file's header list with the skew pin cookie appended, built once per list. */
  private readonly pinnedHeaders = new WeakMap<string[], string[]>();

  constructor(
    private readonly table: RouteTable,
    private readonly manifests: ManifestCache,
    private readonly blobs: BlobCache,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(ACCESS_LOG_SINK) private readonly accessLog: AccessLogSink,
    private readonly proxy: AppProxy,
    private readonly metrics: EdgeMetrics,
    @Optional() private readonly tls?: EdgeTls,
  ) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const x = new Exchange(req, res);
    try {
      this.route(x);
    } catch (err) {
      this.fail(x, err, Pages.error);
    }
  };

  /**
   * A request asking to switch protocols (WebSocket): a server app's host splices it through to
   * an instance; any other host answers it as a plain request on a connection that then closes
   * (the Upgrade header is ignored, as RFC 9110 allows).
   */
  readonly upgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    const host = req.headers.host;
    const resolved = this.table.resolve(host);
    if (resolved.kind === 'deployment' && resolved.deployment.app !== undefined) {
      const q = (req.url ?? '').indexOf('?');
      const path = q < 0 ? (req.url ?? '') : (req.url ?? '').slice(0, q);
      this.proxy.upgrade(req, socket, head, resolved.deployment, this, {
        time: Date.now(),
        host: host === undefined ? '' : host.slice(0, 255),
        deploymentId: resolved.deployment.id,
        projectId: resolved.project.id,
        method: req.method ?? '',
        path: path.slice(0, MAX_LOGGED),
        userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
        clientIp: socket.remoteAddress ?? null,
      });
      return;
    }
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => socket.end());
    socket.once('close', () => res.destroy());
    this.handle(req, res);
  };

  /**
   * What node's HTTP parser refuses before a request exists (bad bytes, headers too large, a
   * request that never completes) is answered like every other error: the edge's page, its
   * security headers, `Connection: close`, and an access record.
   */
  readonly clientError = (err: Error & { code?: string }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // A response of this connection is already on the wire: raw bytes now would corrupt it.
    if ((socket as Socket & { _httpMessage?: ServerResponse })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const page = err.code === 'HPE_HEADER_OVERFLOW' ? Pages.headersTooLarge : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? Pages.requestTimeout : Pages.malformed;
    const started = performance.now();
    socket.end(rawResponse(page, STATUS_CODES[page.status] ?? ''));
    this.metrics.request(page.status, page.body.length);
    this.accessLog.record({
      time: Date.now(),
      host: '',
      deploymentId: null,
      projectId: null,
      method: '',
      path: '',
      status: page.status,
      bytes: page.body.length,
      durationMs: performance.now() - started,
      userAgent: null,
      clientIp: socket.remoteAddress ?? null,
    });
  };

  private route(x: Exchange): void {
    if (x.hostCount !== 1) return this.page(x, Pages.invalidHost);
    const resolved = this.table.resolve(x.host);
    if (resolved.kind === 'invalid') return this.page(x, Pages.invalidHost);
    if (!x.secure && this.tls !== undefined) {
      if (x.url.startsWith(ACME_CHALLENGE_PREFIX) && (x.method === 'GET' || x.method === 'HEAD')) return this.challenge(x, this.tls, resolved);
      const location = this.tls.httpsLocation(x.host, x.url);
      if (location !== undefined) return this.toHttps(x, location);
    }
    this.routeResolved(x, resolved);
  }

  private routeResolved(x: Exchange, resolved: HostResolution): void {
    if (resolved.kind === 'invalid') return this.page(x, Pages.invalidHost);
    if (resolved.kind === 'platform') return x.method === 'GET' || x.method === 'HEAD' ? this.platform(x) : this.page(x, Pages.methodNotAllowed);
    if (resolved.kind !== 'unknown') {
      x.projectId = resolved.project.id;
      x.hsts = x.secure && resolved.project.settings.hsts === true;
    }
    if (resolved.kind === 'deployment' && resolved.deployment.app !== undefined) {
      x.deploymentId = resolved.deployment.id;
      return this.proxy.forward(x, resolved.deployment, this);
    }
    if (x.method !== 'GET' && x.method !== 'HEAD') {
      if (resolved.kind === 'deployment') x.deploymentId = resolved.deployment.id;
      return this.page(x, Pages.methodNotAllowed);
    }
    if (!this.table.loaded) return this.page(x, Pages.starting);
    if (resolved.kind === 'unknown') return this.page(x, Pages.unknownHost);
    if (resolved.kind === 'no-deployment') return this.page(x, Pages.noDeployment);

    let deployment = resolved.deployment;
    if (!resolved.preview && this.table.skewWindowMs > 0) {
      x.pinning = true;
      if (x.cookie !== undefined && !isNavigation(x.secFetchMode, x.accept)) deployment = this.pinnedTo(resolved.project, deployment, x.cookie);
    }
    x.deploymentId = deployment.id;
    if (!resolved.preview) x.liveSince = resolved.project.aliasAt;
    const path = normalizeRequestPath(x.url);
    if (path instanceof RejectedPath) return this.page(x, badPathPage(path.reason));
    const files = this.manifests.peek(deployment.id);
    if (files !== undefined) return this.serve(x, resolved.project, files, path);
    this.loadAndServe(x, resolved.project, deployment, resolved.deployment, path);
  }

  /**
   * HTTP-01: the key authorization the ACME server expects for this host and token (from any edge
   * instance: every one holds the published challenges), never redirected. A token unknown for
   * this host is handled like any other path.
   */
  private challenge(x: Exchange, tls: EdgeTls, resolved: HostResolution): void {
    const name = tls.challengeHost(x.host);
    if (name === undefined) return this.routeResolved(x, resolved);
    const q = x.url.indexOf('?');
    const token = x.url.slice(ACME_CHALLENGE_PREFIX.length, q < 0 ? undefined : q);
    tls.challenges.answer(name, token, this.table.hasDomain(name)).then(
      (answer) => {
        if (answer === undefined) {
          const location = tls.httpsLocation(x.host, x.url);
          return location === undefined ? this.routeResolved(x, resolved) : this.toHttps(x, location);
        }
        const body = Buffer.from(answer);
        this.write(x, 200, ['Content-Type', 'text/plain', 'Content-Length', String(body.length), 'Cache-Control', 'no-store', ...SECURITY_HEADERS], body);
      },
      (err) => this.fail(x, err, Pages.error),
    );
  }

  /** A host with a certificate here moves to HTTPS; 308 keeps the method and body. */
  private toHttps(x: Exchange, location: string): void {
    this.write(x, 308, ['Location', location, 'Content-Length', '0', 'Cache-Control', 'no-store', ...SECURITY_HEADERS], undefined);
  }

  /** Serves from a deployment whose files are not cached yet; a pinned one without them falls back to the live one. */
  private loadAndServe(x: Exchange, project: ProjectRoute, deployment: DeploymentRoute, live: DeploymentRoute, path: string): void {
    this.manifests.load(deployment.id).then(
      (loaded) => {
        if (loaded) return this.serve(x, project, loaded, path);
        if (deployment === live) return this.page(x, Pages.unavailable);
        x.deploymentId = live.id;
        this.loadAndServe(x, project, live, live, path);
      },
      (err) => this.fail(x, err, Pages.unavailable),
    );
  }

  /**
   * Skew protection: the deployment a production host's client is pinned to by its cookie, when
   * the route table honours that pin (same project, READY, live or left within the window);
   * otherwise the live one.
   */
  private pinnedTo(project: ProjectRoute, live: DeploymentRoute, cookie: string): DeploymentRoute {
    const ids = pinnedDeploymentIds(cookie);
    if (ids.length === 0) return live;
    const now = Date.now();
    for (const id of ids) {
      if (id === live.id) return live;
      const pinned = this.table.pinned(project, id, now);
      if (pinned !== undefined) return pinned;
    }
    return live;
  }

  private platform(x: Exchange): void {
    const q = x.url.indexOf('?');
    const path = q < 0 ? x.url : x.url.slice(0, q);
    if (path === '/healthz') return this.page(x, Pages.healthy);
    if (path !== '/readyz') return this.page(x, Pages.platform);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref());
    Promise.race([this.store.isReady().catch(() => false), timeout]).then((storeUp) =>
      this.page(x, readinessPage({ routeTable: this.table.loaded ? 'up' : 'down', artifactStore: storeUp ? 'up' : 'down' })),
    );
  }

  /** Path → file: exact, directory index, redirects, a recent deployment's hashed file, clean URLs, SPA fallback, custom 404. */
  private serve(x: Exchange, project: ProjectRoute, files: DeploymentFiles, path: string): void {
    const file = files.files.get(path);
    if (file !== undefined) {
      if (project.settings.cleanUrls && path.endsWith('.html')) {
        const clean = path === 'index.html' || path.endsWith('/index.html') ? path.slice(0, -'index.html'.length) : path.slice(0, -'.html'.length);
        return this.redirect(x, clean);
      }
      return this.sendFile(x, files, file, 200, undefined);
    }
    if (files.directories.has(path)) return this.redirect(x, `${path}/`);
    if (x.pinning && isContentHashedName(path) && !path.endsWith('.html')) {
      return this.fromRecent(x, project, files, path, this.table.recentProduction(project, Date.now()), 0);
    }
    this.miss(x, project, files, path);
  }

  /**
   * Skew protection for a page whose pin was lost (another tab re-pinned the browser, cookies
   * off): a content-hashed file missing here is looked up in the live deployment and those the
   * alias left within the window, most recent first. Its name stands for its content, so
   * whichever has it serves the same bytes the page expects.
   */
  private fromRecent(x: Exchange, project: ProjectRoute, files: DeploymentFiles, path: string, candidates: DeploymentRoute[], from: number): void {
    for (let i = from; i < candidates.length; i++) {
      const id = candidates[i].id;
      if (id === files.deploymentId) continue;
      const other = this.manifests.peek(id);
      if (other === undefined) {
        const next = () => this.fromRecent(x, project, files, path, candidates, i + 1);
        this.manifests.load(id).then(
          (loaded) => {
            const hit = loaded?.files.get(path);
            if (hit === undefined) return next();
            x.deploymentId = id;
            this.sendFile(x, loaded!, hit, 200, undefined);
          },
          (err) => {
            this.logger.warn({ deploymentId: id, err: String(err) }, 'manifest of a recent deployment unreadable; skipped for a hashed file');
            next();
          },
        );
        return;
      }
      const hit = other.files.get(path);
      if (hit !== undefined) {
        x.deploymentId = id;
        return this.sendFile(x, other, hit, 200, undefined);
      }
    }
    this.miss(x, project, files, path);
  }

  /** What a path that is no file of the deployment gets: clean URL, SPA fallback, custom 404, or the platform's. */
  private miss(x: Exchange, project: ProjectRoute, files: DeploymentFiles, path: string): void {
    const settings = project.settings;
    let file: FileRecord | undefined;
    if (settings.cleanUrls) file = files.cleanHtml.get(path);
    if (file === undefined && settings.spaFallback && !path.slice(path.lastIndexOf('/') + 1).includes('.')) file = files.index;
    if (file !== undefined) return this.sendFile(x, files, file, 200, undefined);
    if (settings.custom404 && files.notFoundPage) return this.sendFile(x, files, files.notFoundPage, 404, undefined);
    this.page(x, Pages.notFound);
  }

  /**
   * Writes a file. Re-entered after each thing it had to wait for (bytes read, variant
   * compressed), which is cached by then, so the common case never leaves this call.
   */
  private sendFile(x: Exchange, files: DeploymentFiles, file: FileRecord, status: 200 | 404, blob: CachedBlob | undefined): void {
    if (status === 200) {
      // RFC 9110 §13.2.2: If-None-Match decides when present, else If-Modified-Since.
      if (
        (x.ifNoneMatch !== undefined || x.ifModifiedSince !== undefined) &&
        fresh({ 'if-none-match': x.ifNoneMatch, 'if-modified-since': x.ifModifiedSince }, { etag: file.etag, 'last-modified': files.lastModified(x.liveSince) })
      ) {
        return this.notModified(x, files, file);
      }
      if (x.range !== undefined && (x.ifRange === undefined || x.ifRange === file.etag)) {
        const range = parseRange(x.range, file.size);
        if (range === UNSATISFIABLE) return this.write(x, 416, this.rangeHeaders(x, files, file, `bytes */${file.size}`, 0), undefined);
        if (range !== undefined) return this.sendRange(x, files, file, range, blob);
      }
    }
    blob ??= this.blobs.peek(file.sha256);
    if (blob === undefined) {
      if (!this.blobs.cacheable(file.size)) return this.stream(x, files, file, status, undefined);
      this.blobs.load(file).then(
        (loaded) => this.sendFile(x, files, file, status, loaded),
        (err) => this.fail(x, err, err instanceof BlobIntegrityError ? Pages.error : Pages.unavailable),
      );
      return;
    }
    let encoding: EncodingIndex = IDENTITY;
    if (file.compressible) {
      const accepted = acceptedEncodings(x.acceptEncoding);
      for (const candidate of accepted & ACCEPTS_BR ? (accepted & ACCEPTS_GZIP ? (accepted & PREFERS_GZIP ? GZIP_FIRST : BOTH) : BR_ONLY) : accepted & ACCEPTS_GZIP ? GZIP_ONLY : NONE) {
        const variant = blob.variants[candidate];
        if (variant === undefined) {
          const ready = blob;
          this.blobs.compress(ready, candidate).then(
            () => this.sendFile(x, files, file, status, ready),
            (err) => this.fail(x, err, Pages.error),
          );
          return;
        }
        if (variant !== null) {
          encoding = candidate;
          break;
        }
      }
    }
    const body = blob.variants[encoding]!;
    this.write(x, status, this.pin(x, files, file, this.fileHeaders(x, files, file, encoding, status, body.length)), body);
  }

  private sendRange(x: Exchange, files: DeploymentFiles, file: FileRecord, range: ByteRange, blob: CachedBlob | undefined): void {
    blob ??= this.blobs.peek(file.sha256);
    const length = range.end - range.start + 1;
    const headers = this.rangeHeaders(x, files, file, `bytes ${range.start}-${range.end}/${file.size}`, length);
    if (blob !== undefined) return this.write(x, 206, headers, blob.identity.subarray(range.start, range.end + 1));
    if (!this.blobs.cacheable(file.size)) return this.stream(x, files, file, 206, range);
    this.blobs.load(file).then(
      (loaded) => this.sendRange(x, files, file, range, loaded),
      (err) => this.fail(x, err, err instanceof BlobIntegrityError ? Pages.error : Pages.unavailable),
    );
  }

  /** Files too large to cache: straight from the store, identity encoding only. */
  private stream(x: Exchange, files: DeploymentFiles, file: FileRecord, status: 200 | 206 | 404, range: ByteRange | undefined): void {
    const headers = range
      ? this.rangeHeaders(x, files, file, `bytes ${range.start}-${range.end}/${file.size}`, range.end - range.start + 1)
      : this.pin(x, files, file, this.fileHeaders(x, files, file, IDENTITY, status === 404 ? 404 : 200, file.size));
    if (x.head) return this.write(x, status, headers, undefined);
    this.blobs.open(file, range).then(
      (body) => {
        if (x.res.destroyed) {
          body.destroy();
          return;
        }
        if (this.draining) x.res.shouldKeepAlive = false;
        if (x.hsts) x.res.setHeader('Strict-Transport-Security', HSTS_VALUE);
        x.res.writeHead(status, headers);
        // Sent now, not with the first body bytes, which the check may hold back.
        x.res.flushHeaders();
        pipeline(body, x.res, (err) => {
          if (err instanceof BlobIntegrityError) {
            // The status line is out: cutting the connection is the only way left to say so.
            this.logger.error({ deploymentId: x.deploymentId, sha256: file.sha256 }, 'stored bytes do not match their digest; response cut');
            this.blobs.evict(file.sha256);
          } else if (err) this.logger.warn({ deploymentId: x.deploymentId, sha256: file.sha256, err: String(err) }, 'stream interrupted');
          this.log(x, status, err ? 0 : range ? range.end - range.start + 1 : file.size);
        });
      },
      (err) => this.fail(x, err, Pages.unavailable),
    );
  }

  private notModified(x: Exchange, files: DeploymentFiles, file: FileRecord): void {
    let headers = this.okHeaders(files, file, x.liveSince).notModified;
    if (headers === undefined) {
      headers = file.notModified = ['ETag', file.etag, 'Cache-Control', file.cacheControl, DEPLOYMENT_HEADER, files.deploymentId, ...SECURITY_HEADERS];
      if (file.okModified !== undefined) headers.push('Last-Modified', file.okModified);
      if (file.compressible) headers.push('Vary', 'Accept-Encoding');
    }
    if (weakValidator(x, file)) headers = ['ETag', `W/${file.etag}`, ...headers.slice(2)];
    this.write(x, 304, this.pin(x, files, file, headers), undefined);
  }

  /** A production host's HTML pins its client to the deployment that served it (skew protection). */
  private pin(x: Exchange, files: DeploymentFiles, file: FileRecord, headers: string[]): string[] {
    if (!x.pinning || !file.contentType.startsWith('text/html')) return headers;
    let pinned = this.pinnedHeaders.get(headers);
    if (pinned === undefined) {
      pinned = [...headers, 'Set-Cookie', pinCookie(files.deploymentId, this.table.skewWindowMs)];
      this.pinnedHeaders.set(headers, pinned);
    }
    return pinned;
  }

  /** The file's 200 and 304 header lists, emptied first when its `Last-Modified` at this host differs from theirs. */
  private okHeaders(files: DeploymentFiles, file: FileRecord, liveSince: number): FileRecord {
    const modified = files.lastModified(liveSince);
    if (modified !== file.okModified) {
      file.ok = [undefined, undefined, undefined];
      file.notModified = undefined;
      file.okModified = modified;
    }
    return file;
  }

  /** Built once per file, encoding and status (and `Last-Modified` for 200), then reused by every request. */
  private fileHeaders(x: Exchange, files: DeploymentFiles, file: FileRecord, encoding: EncodingIndex, status: 200 | 404, length: number): string[] {
    const lists = status === 200 ? this.okHeaders(files, file, x.liveSince).ok : file.missing;
    let headers = lists[encoding];
    if (headers === undefined) {
      headers = ['Content-Type', file.contentType, 'Content-Length', String(length), 'Cache-Control', file.cacheControl];
      // Compressed variants carry the weak tag (like nginx): same content, other bytes.
      if (status === 200) headers.push('ETag', encoding === IDENTITY ? file.etag : `W/${file.etag}`, 'Accept-Ranges', 'bytes');
      if (status === 200 && file.okModified !== undefined) headers.push('Last-Modified', file.okModified);
      if (file.compressible) headers.push('Vary', 'Accept-Encoding');
      if (encoding !== IDENTITY) headers.push('Content-Encoding', ENCODING_NAMES[encoding]);
      headers.push(DEPLOYMENT_HEADER, files.deploymentId, ...SECURITY_HEADERS);
      lists[encoding] = headers;
    }
    return headers;
  }

  private rangeHeaders(x: Exchange, files: DeploymentFiles, file: FileRecord, contentRange: string, length: number): string[] {
    const headers = [
      'Content-Type',
      file.contentType,
      'Content-Length',
      String(length),
      'Content-Range',
      contentRange,
      'Cache-Control',
      file.cacheControl,
      'ETag',
      file.etag,
      'Accept-Ranges',
      'bytes',
      DEPLOYMENT_HEADER,
      files.deploymentId,
      ...SECURITY_HEADERS,
    ];
    const modified = files.lastModified(x.liveSince);
    if (modified !== undefined) headers.push('Last-Modified', modified);
    return headers;
  }

  private redirect(x: Exchange, path: string): void {
    const q = x.url.indexOf('?');
    const query = q < 0 ? '' : x.url.slice(q);
    // The target is rebuilt from the normalized path, so it is always same-origin (`/…`, never `//…`).
    const location = encodePath(path) + (PRINTABLE.test(query) ? query : '');
    this.write(
      x,
      308,
      ['Location', location, 'Content-Length', '0', 'Cache-Control', 'public, max-age=0, must-revalidate', ...SECURITY_HEADERS],
      undefined,
    );
  }

  page(x: Exchange, page: Page): void {
    this.write(x, page.status, page.headers as string[], page.body);
  }

  private write(x: Exchange, status: number, headers: string[], body: Buffer | undefined): void {
    const res = x.res;
    if (x.done || res.destroyed) return;
    if (this.draining) res.shouldKeepAlive = false;
    if (x.hsts) res.setHeader('Strict-Transport-Security', HSTS_VALUE);
    res.writeHead(status, headers);
    if (x.head || body === undefined) {
      res.end();
      this.log(x, status, 0);
    } else {
      res.end(body);
      this.log(x, status, body.length);
    }
  }

  upstreamFailed(): void {
    this.metrics.upstreamErrors++;
  }

  private fail(x: Exchange, err: unknown, page: Page): void {
    this.logger.error(
      { host: x.host, deploymentId: x.deploymentId, err: err instanceof Error ? (err.stack ?? err.message) : String(err) },
      'request failed',
    );
    if (!x.res.headersSent) {
      try {
        return this.page(x, page);
      } catch {
        // fall through: the connection is all that is left to close
      }
    }
    x.res.destroy();
    this.log(x, page.status, 0);
  }

  record(entry: AccessLogRecord): void {
    this.accessLog.record(entry);
  }

  log(x: Exchange, status: number, bytes: number): void {
    if (x.done) return;
    x.done = true;
    this.metrics.request(status, bytes);
    const q = x.url.indexOf('?');
    const path = q < 0 ? x.url : x.url.slice(0, q);
    this.accessLog.record({
      time: x.time,
      host: x.host === undefined ? '' : x.host.length > 255 ? x.host.slice(0, 255) : x.host,
      deploymentId: x.deploymentId,
      projectId: x.projectId,
      method: x.method,
      path: path.length > MAX_LOGGED ? path.slice(0, MAX_LOGGED) : path,
      status,
      bytes,
      durationMs: performance.now() - x.started,
      userAgent: x.userAgent === undefined ? null : x.userAgent.slice(0, 512),
      clientIp: x.req.socket.remoteAddress ?? null,
    });
  }
}

type Compressed = typeof GZIP | typeof BR;
const BOTH: readonly Compressed[] = [BR, GZIP];
const GZIP_FIRST: readonly Compressed[] = [GZIP, BR];
const BR_ONLY: readonly Compressed[] = [BR];
const GZIP_ONLY: readonly Compressed[] = [GZIP];
const NONE: readonly Compressed[] = [];
