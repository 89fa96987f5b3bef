import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { answerProbe, HealthService, PROBE_PATHS } from '@deploysphere/bootstrap';
import { httpConfig, observabilityConfig, type ConfigType } from '@deploysphere/config';
import { observeRequest } from '@deploysphere/observability';
import { createServer, type Server } from 'node:http';

/**
 * The gateway's own HTTP server on GATEWAY_PORT: probes and `/metrics`, and the server the Socket.IO
 * endpoint attaches to. It is separate from the API's so the two scale apart.
 */
@Injectable()
export class GatewayHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GatewayHttpServer.name);
  readonly server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = (PROBE_PATHS as readonly string[]).includes(path);
    observeRequest('gateway', req, res, () => (probe ? path : undefined));
    if (answerProbe(req, res, this.health, this.observability.metricsToken)) return;
    // Socket.IO handles its own path before this handler; anything else is not ours.
    if (!path.startsWith('/socket.io')) json(res, 404, { code: 'ROUTE_NOT_FOUND' });
  });

  constructor(
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
    @Inject(observabilityConfig.KEY) private readonly observability: ConfigType<typeof observabilityConfig>,
    private readonly health: HealthService,
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
