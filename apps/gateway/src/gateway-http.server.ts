import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ReadinessRegistry } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { createServer, type Server } from 'node:http';

/**
 * The gateway's own HTTP server on GATEWAY_PORT: health probes, and the server the Socket.IO
 * endpoint attaches to. It is separate from the API's so the two scale apart.
 */
@Injectable()
export class GatewayHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayHttpServer.name);
  readonly server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      void this.readiness.evaluate().then((r) => json(res, r.ready ? 200 : 503, { status: r.ready ? (r.degraded ? 'degraded' : 'ready') : 'not_ready', checks: r.checks }));
      return;
    }
    // Socket.IO handles its own path before this handler; anything else is not ours.
    if (!path.startsWith('/socket.io')) json(res, 404, { code: 'ROUTE_NOT_FOUND' });
  });

  constructor(
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.http.gatewayPort, this.http.host, () => resolve());
    });
    this.logger.log(`gateway listening on http://${this.http.host}:${this.http.gatewayPort}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
