import { Agent, request, STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type { AccessLogRecord } from '../access-log/access-log-sink.port';
import { RouteTable } from '../routing/route-table';
import type { DeploymentRoute } from '../routing/route.types';
import type { Exchange } from '../server/exchange';
import { Pages, rawResponse, type Page } from '../serving/pages';
import type { AppSignals } from './app-signals';
import { requestHeaders, responseHeaders } from './forwarded-headers';
import { UpstreamBalancer } from './upstream-balancer';

/** A wake request is repeated this often while requests wait (a lost one costs at most this). */
export const WAKE_REPEAT_MS = 3_000;

export interface AppProxyOptions {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxBodyBytes: number;
  wakeTimeoutMs: number;
  /** How often a wake request is repeated while requests wait for a sleeping app. */
  wakeRepeatMs: number;
}

/** What the proxy needs from the request handler: its pages, its access log, its drain state. */
export interface ProxyResponder {
  readonly draining: boolean;
  page(x: Exchange, page: Page): void;
  log(x: Exchange, status: number, bytes: number): void;
  record(entry: AccessLogRecord): void;
  /** An attempt on an instance failed (refused, reset, timed out): counted in the edge's metrics. */
  upstreamFailed(): void;
}

/** Methods a client may repeat (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** Errors of a connection that was never established: nothing reached the instance. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

class ProxyFailure extends Error {
  constructor(readonly kind: 'connect-timeout' | 'response-timeout' | 'body-too-large') {
    super(kind);
  }
}

function split(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(address.slice(colon + 1)) };
}

function protoOf(socket: Socket): 'http' | 'https' {
  return (socket as TLSSocket).encrypted ? 'https' : 'http';
}

/**
 * The data plane for server apps: forwards a request to one of the deployment's instances over a
 * keep-alive pool (node:http's Agent: the proxy bench in bench/apps decided it), bodies streamed
 * both ways with backpressure, WebSocket upgrades spliced socket to socket. Round robin with
 * passive ejection; a request that never reached an instance is tried on another one. A sleeping
 * app (no instances) is woken and the request held, bounded by `wakeTimeoutMs`.
 */
export class AppProxy {
  private readonly agent = new Agent({ keepAlive: true, keepAliveMsecs: 1_000, maxFreeSockets: 1_024, scheduling: 'lifo' });
  private readonly balancer = new UpstreamBalancer();
  /** Sleeping deployments requests wait for: how many wait, and the timer repeating the wake request. */
  private readonly waking = new Map<string, { waiters: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly table: RouteTable,
    private readonly signals: AppSignals,
    private readonly options: AppProxyOptions,
  ) {}

  forward(x: Exchange, route: DeploymentRoute, out: ProxyResponder): void {
    this.signals.seen(route.id);
    if (x.contentLength !== undefined && Number(x.contentLength) > this.options.maxBodyBytes) return out.page(x, Pages.payloadTooLarge);
    const upstreams = route.app?.upstreams ?? [];
    if (upstreams.length > 0) return this.attempt(x, upstreams, out, undefined);
    this.waitForInstances(route, x.res).then(
      (woken) => (woken === undefined ? out.page(x, Pages.waking) : this.attempt(x, woken, out, undefined)),
      () => out.page(x, Pages.waking),
    );
  }

  private attempt(x: Exchange, upstreams: readonly string[], out: ProxyResponder, tried: Set<string> | undefined): void {
    const address = this.balancer.pick(upstreams, tried);
    if (address === undefined) return out.page(x, Pages.badGateway);
    const { req, res } = x;
    // HTTP/2 has no Transfer-Encoding: a body may come without Content-Length, so the stream says whether one follows.
    const h2 = (req as unknown as { stream?: { endAfterHeaders: boolean } }).stream;
    const hasBody = h2 !== undefined ? !h2.endAfterHeaders : (x.contentLength !== undefined && x.contentLength !== '0') || x.transferEncoding !== undefined;
    const headers = requestHeaders(req.rawHeaders, req.socket.remoteAddress, protoOf(req.socket), x.host ?? '');
    const upstream = request({ ...split(address), method: x.method, path: x.url, headers, agent: this.agent, setHost: false });
    let responded = false;
    let ended = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const responseTimer = setTimeout(() => upstream.destroy(new ProxyFailure('response-timeout')), this.options.responseTimeoutMs);
    // The client left before the answer was through: the instance's connection goes too.
    res.once('close', () => {
      if (!ended) upstream.destroy();
    });
    upstream.once('socket', (socket: Socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => upstream.destroy(new ProxyFailure('connect-timeout')), this.options.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });

    upstream.once('response', (upRes: IncomingMessage) => {
      responded = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      this.balancer.succeeded(address);
      if (x.done || res.destroyed) return upRes.destroy();
      if (out.draining) res.shouldKeepAlive = false;
      const status = upRes.statusCode ?? 502;
      // HTTP/2 has no reason phrase.
      if (h2 !== undefined) res.writeHead(status, responseHeaders(upRes.rawHeaders));
      else res.writeHead(status, upRes.statusMessage, responseHeaders(upRes.rawHeaders));
      let bytes = 0;
      upRes.on('data', (chunk: Buffer) => (bytes += chunk.length));
      upRes.once('end', () => {
        ended = true;
        out.log(x, status, bytes);
      });
      // Cut short (the instance died, or the client left): the client's response cannot be completed.
      upRes.once('close', () => {
        if (ended) return;
        res.destroy();
        out.log(x, status, bytes);
      });
      upRes.on('error', () => undefined);
      upRes.pipe(res);
    });

    let failed = false;
    upstream.on('error', (err: Error & { code?: string }) => {
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      if (failed || responded || x.done || res.destroyed) return;
      failed = true;
      out.upstreamFailed();
      const neverConnected = (err instanceof ProxyFailure && err.kind === 'connect-timeout') || CONNECT_FAILURES.has(err.code ?? '');
      // A pooled connection the instance closed as the request went out: the instance did not see it.
      const staleConnection = (upstream as ClientRequest & { reusedSocket?: boolean }).reusedSocket && err.code === 'ECONNRESET';
      if (neverConnected) this.balancer.failed(address);
      if (!hasBody && (neverConnected || (staleConnection && IDEMPOTENT.has(x.method)))) {
        const next = new Set(tried).add(address);
        if (upstreams.some((u) => !next.has(u))) return this.attempt(x, upstreams, out, next);
      }
      // The client's body is partly unread: the connection cannot carry another request.
      if (hasBody) res.shouldKeepAlive = false;
      if (err instanceof ProxyFailure && err.kind === 'body-too-large') return out.page(x, Pages.payloadTooLarge);
      out.page(x, err instanceof ProxyFailure && err.kind === 'response-timeout' ? Pages.gatewayTimeout : Pages.badGateway);
    });

    if (!hasBody) {
      upstream.end();
      return;
    }
    let received = 0;
    const max = this.options.maxBodyBytes;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > max) {
        req.unpipe(upstream);
        req.pause();
        upstream.destroy(new ProxyFailure('body-too-large'));
      }
    });
    req.pipe(upstream);
  }

  /**
   * A WebSocket (or other) upgrade: the handshake goes to one instance on its own connection;
   * on 101 both sockets are spliced. Anything else the instance answers goes back as it is.
   */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, route: DeploymentRoute, out: ProxyResponder, base: Omit<AccessLogRecord, 'status' | 'bytes' | 'durationMs'>): void {
    const started = performance.now();
    let logged = false;
    const log = (status: number, bytes: number) => {
      if (logged) return;
      logged = true;
      out.record({ ...base, status, bytes, durationMs: performance.now() - started });
    };
    const refuse = (page: Page) => {
      if (socket.writable) socket.end(rawResponse(page, STATUS_CODES[page.status] ?? ''));
      else socket.destroy();
      log(page.status, page.body.length);
    };
    socket.on('error', () => socket.destroy());
    this.signals.seen(route.id);
    const upstreams = route.app?.upstreams ?? [];
    const go = (list: readonly string[]) => {
      const address = this.balancer.pick(list, undefined);
      if (address === undefined) return refuse(Pages.badGateway);
      const headers = requestHeaders(req.rawHeaders, socket.remoteAddress, protoOf(socket), req.headers.host ?? '', true);
      const upstream = request({ ...split(address), method: req.method, path: req.url, headers, agent: false, setHost: false });
      const connectTimer = setTimeout(() => upstream.destroy(new ProxyFailure('connect-timeout')), this.options.connectTimeoutMs);
      const responseTimer = setTimeout(() => upstream.destroy(new ProxyFailure('response-timeout')), this.options.responseTimeoutMs);
      const settle = () => {
        clearTimeout(connectTimer);
        clearTimeout(responseTimer);
      };
      upstream.once('socket', (s: Socket) => s.once('connect', () => clearTimeout(connectTimer)));
      socket.once('close', () => upstream.destroy());
      upstream.once('upgrade', (upRes: IncomingMessage, upSocket: Socket, upHead: Buffer) => {
        settle();
        this.balancer.succeeded(address);
        if (!socket.writable) return upSocket.destroy();
        const lines = [`HTTP/1.1 101 ${upRes.statusMessage || 'Switching Protocols'}`];
        const raw = upRes.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (upHead.length > 0) socket.write(upHead);
        if (head.length > 0) upSocket.write(head);
        socket.setTimeout(0);
        socket.setNoDelay(true);
        upSocket.setNoDelay(true);
        let bytes = 0;
        upSocket.on('data', (chunk: Buffer) => (bytes += chunk.length));
        upSocket.on('error', () => socket.destroy());
        socket.on('error', () => upSocket.destroy());
        upSocket.once('close', () => {
          socket.destroy();
          log(101, bytes);
        });
        socket.once('close', () => upSocket.destroy());
        upSocket.pipe(socket);
        socket.pipe(upSocket);
      });
      upstream.once('response', (upRes: IncomingMessage) => {
        settle();
        const lines = [`HTTP/1.1 ${upRes.statusCode} ${upRes.statusMessage ?? ''}`];
        const filtered = responseHeaders(upRes.rawHeaders);
        for (let i = 0; i < filtered.length; i += 2) if (filtered[i].toLowerCase() !== 'content-length') lines.push(`${filtered[i]}: ${filtered[i + 1]}`);
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.once('end', () => {
          const body = Buffer.concat(chunks);
          lines.push(`Content-Length: ${body.length}`, 'Connection: close');
          socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
          log(upRes.statusCode ?? 502, body.length);
        });
      });
      upstream.once('error', (err: Error & { code?: string }) => {
        settle();
        if (err instanceof ProxyFailure && err.kind === 'connect-timeout') this.balancer.failed(address);
        else if (CONNECT_FAILURES.has(err.code ?? '')) this.balancer.failed(address);
        refuse(err instanceof ProxyFailure && err.kind === 'response-timeout' ? Pages.gatewayTimeout : Pages.badGateway);
      });
      upstream.end();
    };
    if (upstreams.length > 0) return go(upstreams);
    this.waitForInstances(route, socket).then(
      (woken) => (woken === undefined ? refuse(Pages.waking) : go(woken)),
      () => refuse(Pages.waking),
    );
  }

  /**
   * Holds a request for a sleeping app: asks for a wake (repeated while anyone waits) and
   * resolves with the instances once they arrive, or undefined past `wakeTimeoutMs` or when the
   * client left.
   */
  private waitForInstances(route: DeploymentRoute, client: { once(event: 'close', l: () => void): unknown; off(event: 'close', l: () => void): unknown }): Promise<readonly string[] | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const current = () => this.table.deployment(route.id)?.app?.upstreams;
      const finish = (upstreams: readonly string[] | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unwatch();
        client.off('close', onClose);
        this.stopWaiting(route.id);
        resolve(upstreams);
      };
      const onChange = () => {
        const upstreams = current();
        if (upstreams !== undefined && upstreams.length > 0) finish(upstreams);
      };
      const onClose = () => finish(undefined);
      const unwatch = this.table.watchUpstreams(route.id, onChange);
      const timer = setTimeout(() => finish(undefined), this.options.wakeTimeoutMs);
      client.once('close', onClose);
      this.startWaiting(route);
      onChange();
    });
  }

  private startWaiting(route: DeploymentRoute): void {
    const entry = this.waking.get(route.id);
    if (entry !== undefined) {
      entry.waiters++;
      return;
    }
    this.signals.wake(route.id, route.projectId);
    const timer = setInterval(() => this.signals.wake(route.id, route.projectId), this.options.wakeRepeatMs);
    timer.unref();
    this.waking.set(route.id, { waiters: 1, timer });
  }

  private stopWaiting(deploymentId: string): void {
    const entry = this.waking.get(deploymentId);
    if (entry === undefined || --entry.waiters > 0) return;
    clearInterval(entry.timer);
    this.waking.delete(deploymentId);
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /** Closes the pooled connections (shutdown). */
  close(): void {
    for (const entry of this.waking.values()) clearInterval(entry.timer);
    this.waking.clear();
    this.agent.destroy();
  }
}
