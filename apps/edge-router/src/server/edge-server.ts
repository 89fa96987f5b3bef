import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { edgeConfig, httpConfig, type ConfigType, type EdgeSettings } from '@deploysphere/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgeRequestHandler } from './edge-request.handler';

/**
 * The edge's own listener: raw `node:http` (no Express on the data path), on EDGE_PORT.
 * Shutdown stops accepting, lets requests in flight finish with `Connection: close`, closes
 * idle keep-alive sockets, and cuts whatever is left after EDGE_SHUTDOWN_GRACE_MS.
 */
@Injectable()
export class EdgeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EdgeServer');
  private server: Server | undefined;

  constructor(
    private readonly handler: EdgeRequestHandler,
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, address } = await this.listen(this.http.edgePort, this.http.host);
    this.logger.log(`edge router listening on http://${address}:${port} (root domain ${this.http.rootDomain})`);
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
      },
      this.handler.handle,
    );
    server.keepAliveTimeout = 5_000;
    this.server = server;
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

  async close(): Promise<void> {
    const server = this.server;
    if (!server?.listening) return;
    this.server = undefined;
    this.handler.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.edge.shutdownGraceMs).unref());
    if ((await Promise.race([closed, grace])) === 'timeout') {
      this.logger.warn(`connections still open after ${this.edge.shutdownGraceMs} ms; closing them`);
      server.closeAllConnections();
      await closed;
    }
    clearInterval(sweep);
    this.handler.draining = false;
    this.logger.log('edge router stopped');
  }
}
