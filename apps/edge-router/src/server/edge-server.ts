import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { edgeConfig, httpConfig, type ConfigType, type EdgeSettings } from '@deploysphere/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EdgeRequestHandler } from './edge-request.handler';

/**
 * The edge's own listener: raw `node:http` (no Express on the data path), on EDGE_PORT.
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

  constructor(
    private readonly handler: EdgeRequestHandler,
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, address } = await this.listen(this.http.edgePort, this.http.host);
    this.logger.log(`edge router listening on http://${address}:${port} (root domain ${this.http.rootDomain})`);
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

  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
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
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.edge.shutdownGraceMs)));
    if ((await Promise.race([closed, grace])) === 'timeout') {
      this.logger.warn(`${this.sockets.size} connections still open after ${this.edge.shutdownGraceMs} ms; cutting them`);
      server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
    clearTimeout(timer);
    clearInterval(sweep);
    this.server = undefined;
    this.handler.draining = false;
    this.logger.log('edge router stopped');
  }
}
