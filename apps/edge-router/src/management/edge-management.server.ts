import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthService, listenForProbes } from '@deploysphere/bootstrap';
import { httpConfig, observabilityConfig, type ConfigType } from '@deploysphere/config';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The edge process's management listener on EDGE_MANAGEMENT_PORT: `/livez`, `/readyz` and
 * `/metrics`, never on a tenant host (EDGE_PORT serves sites). Only the edge-router process
 * composes it; `npm start` answers `/metrics` on the API port, one registry for the process.
 */
@Injectable()
export class EdgeManagementServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EdgeManagementServer');
  private server: Server | undefined;
  address: AddressInfo | undefined;

  constructor(
    private readonly health: HealthService,
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
    @Inject(observabilityConfig.KEY) private readonly observability: ConfigType<typeof observabilityConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { server, address } = await listenForProbes('edge-management', this.observability.edgeManagementPort, this.http.host, this.health, this.observability.metricsToken);
    this.server = server;
    this.address = address;
    this.logger.log(`edge management (probes, /metrics) listening on http://${address.address}:${address.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
