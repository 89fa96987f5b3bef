import { Module, type OnModuleInit, Inject, Injectable } from '@nestjs/common';
import { ReadinessRegistry } from '@deploysphere/bootstrap';
import { SessionAuthenticator, TokenAuthenticator } from '@deploysphere/auth';
import { DeploymentRepositoryModule } from '@deploysphere/deployments';
import { LIVE_LOG_BUS, LogsModule, type LiveLogBus } from '@deploysphere/logs';
import { GatewayHttpServer } from './gateway-http.server';
import { LogStreamGateway } from './socket/logs.gateway';
import { DeploymentStatusChangedHandler } from './status/deployment-status-changed.handler';
import { DeploymentStatusRelay } from './status/deployment-status.relay';
import { GatewayEventsController } from './status/gateway-events.controller';
import { DeploymentAccess } from './streaming/deployment-access';

@Injectable()
class GatewayReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    @Inject(LIVE_LOG_BUS) private readonly bus: LiveLogBus,
  ) {}

  onModuleInit(): void {
    this.registry.register('live-log-bus', () => this.bus.isReady());
  }
}

/**
 * Live build logs over Socket.IO on GATEWAY_PORT. Infrastructure comes from CoreModule; the
 * process that composes it must install GatewayIoAdapter (see main.ts).
 */
@Module({
  imports: [DeploymentRepositoryModule, LogsModule],
  controllers: [GatewayEventsController],
  providers: [GatewayHttpServer, TokenAuthenticator, SessionAuthenticator, DeploymentAccess, LogStreamGateway, DeploymentStatusRelay, DeploymentStatusChangedHandler, GatewayReadiness],
})
export class GatewayModule {}
