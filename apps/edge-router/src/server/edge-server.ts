import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { edgeConfig, httpConfig, type ConfigType, type EdgeSettings } from '@deploysphere/config';
import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { EdgeTls } from '../tls/edge-tls';
import { TLS_CIPHERS, TLS_CURVES, TLS_MIN_VERSION } from '../tls/tls-policy';
import { EdgeRequestHandler } from './edge-request.handler';

/**
 * The edge's own listeners: raw `node:http` (no Express on the data path) on EDGE_PORT, and with
 * EDGE_TLS_PORT set an HTTPS listener beside it (`node:http2` secure server: ALPN `h2`, then
 * `http/1.1`; the certificate by SNI from the CertificateStore), both with the same handler.
 * Shutdown stops accepting, lets requests in flight finish with `Connection: close`, closes
 * idle keep-alive sockets, and cuts whatever is left after EDGE_SHUTDOWN_GRACE_MS. It starts at
 * the first shutdown hook (module destroy), so the grace counts from the signal, not from after
 * the other modules' hooks.
 */
@Injectable()
export class EdgeServer implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('EdgeServer');
  private server: Server | undefined;
  /** Every open socket, so the deadline can cut each one whatever state node's HTTP layer has it in. */
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;
  private secureServer: Http2SecureServer | undefined;
  /** HTTP/2 sessions of the HTTPS listener (GOAWAY at shutdown) and all its sockets (cut at the deadline). */
  private readonly sessions = new Set<Http2Session>();
  private readonly secureSockets = new Set<Socket>();

  constructor(
    private readonly handler: EdgeRequestHandler,
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
    @Optional() private readonly tls?: EdgeTls,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, address } = await this.listen(this.http.edgePort, this.http.host);
    this.logger.log(`edge router listening on http://${address}:${port} (root domain ${this.http.rootDomain})`);
    if (this.edge.tls.port !== undefined && this.tls) {
      const secure = await this.listenTls(this.edge.tls.port, this.http.host);
      this.logger.log(`edge router listening on https://${secure.address}:${secure.port} (h2, http/1.1)`);
    }
  }

  onModuleDestroy(): void {
    void this.close();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    const server = createServer(
      {
        noDelay: true,
        // Slow or stuck clients cannot hold a connection's request open for long.
        headersTimeout: 20_000,
        requestTimeout: 30_000,
        maxHeaderSize: 16 * 1024,
        joinDuplicateHeaders: false,
        // A missing Host is answered by the handler (the edge's 400 page, logged), not by node's bare 400.
        requireHostHeader: false,
      },
      this.handler.handle,
    );
    server.keepAliveTimeout = 5_000;
    server.on('clientError', this.handler.clientError);
    server.on('upgrade', this.handler.upgrade);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    this.closing = undefined;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /**
   * The HTTPS listener. A server name without a certificate here gets none: the handshake fails
   * (no default certificate, so no tenant's certificate is ever shown for another name).
   */
  listenTls(port: number, host: string): Promise<AddressInfo> {
    const tls = this.tls;
    if (!tls) throw new Error('the HTTPS listener needs EdgeTls');
    const server = createSecureServer(
      {
        allowHTTP1: true,
        minVersion: TLS_MIN_VERSION,
        ciphers: TLS_CIPHERS,
        ecdhCurve: TLS_CURVES,
        SNICallback: (servername, callback) => callback(null, tls.certificates.forServerName(servername)),
        maxHeaderListPairs: 256,
        settings: { maxHeaderListSize: 16 * 1024 },
      },
      // node's compatibility API gives HTTP/2 requests the HTTP/1 request/response surface the handler uses.
      this.handler.handle as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void,
    );
    // An idle connection (either protocol) is closed after a minute.
    server.setTimeout(60_000);
    server.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    server.on('secureConnection', (socket: Socket) => {
      this.secureSockets.add(socket);
      socket.once('close', () => this.secureSockets.delete(socket));
    });
    // Failed handshakes (unknown names, scanners) are routine at an edge: nothing to log.
    server.on('tlsClientError', () => undefined);
    this.secureServer = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address() as AddressInfo;
        tls.listeningPort = address.port;
        resolve(address);
      });
    });
  }

  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  secureAddress(): AddressInfo | undefined {
    return (this.secureServer?.address() as AddressInfo | null) ?? undefined;
  }

  /** Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    this.handler.draining = true;
    const secure = this.secureServer;
    const secureClosed = secure?.listening ? new Promise<void>((resolve) => secure.close(() => resolve())) : Promise.resolve();
    // GOAWAY: streams in flight finish, no new ones start.
    for (const session of this.sessions) session.close();
    const closed = Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), secureClosed]).then(() => undefined);
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.edge.shutdownGraceMs)));
    if ((await Promise.race([closed, grace])) === 'timeout') {
      this.logger.warn(`${this.sockets.size} connections still open after ${this.edge.shutdownGraceMs} ms; cutting them`);
      server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      for (const session of this.sessions) session.destroy();
      for (const socket of this.secureSockets) socket.destroy();
      await closed;
    }
    clearTimeout(timer);
    clearInterval(sweep);
    this.server = undefined;
    this.secureServer = undefined;
    this.handler.draining = false;
    this.logger.log('edge router stopped');
  }
}
