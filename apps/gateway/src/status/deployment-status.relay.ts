import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { TERMINAL_STATUSES, type DeploymentStatusChangedV1 } from '@deploysphere/contracts';
import { LIVE_LOG_BUS, type LiveLogBus } from '@deploysphere/logs';
import { LogStreamGateway } from '../socket/logs.gateway';

/** Consumer group of the gateway: each status change is handled by one instance, which tells all of them. */
export const GATEWAY_CONSUMER = 'gateway';

/**
 * Status changes (DeploymentStatusChangedHandler) to subscribers: the change is broadcast to the deployment's room
 * (every instance, through the Socket.IO adapter). Handling a change twice is harmless.
 *
 * The live channel is ended by the orchestrator (LogSink.end, after the build's last line).
 * If a finished deployment's channel has no end `endGraceMs` after its terminal status (its
 * orchestrator died), it is ended here, so subscribers are not left waiting.
 */
@Injectable()
export class DeploymentStatusRelay implements OnModuleDestroy {
  private readonly logger = new Logger('DeploymentStatusRelay');
  endGraceMs = 15_000;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly gateway: LogStreamGateway,
    @Inject(LIVE_LOG_BUS) private readonly bus: LiveLogBus,
  ) {}

  onModuleDestroy(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }

  relay(event: DeploymentStatusChangedV1): void {
    this.gateway.broadcastStatus(event);
    if (!TERMINAL_STATUSES.includes(event.to)) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.endIfOpen(event.deploymentId, event.to);
    }, this.endGraceMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async endIfOpen(deploymentId: string, status: DeploymentStatusChangedV1['to']): Promise<void> {
    try {
      if ((await this.bus.recent(deploymentId, Number.MAX_SAFE_INTEGER, 1)).end) return;
      await this.bus.end(deploymentId, status);
      this.logger.warn({ deploymentId, status }, 'live log ended by the gateway: the orchestrator did not end it');
    } catch (err) {
      this.logger.warn({ deploymentId, err: String(err) }, 'ending a live log failed');
    }
  }
}
