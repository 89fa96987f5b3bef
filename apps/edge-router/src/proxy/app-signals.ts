import { Logger } from '@nestjs/common';
import { DeploymentTrafficSeenV1, DeploymentWakeRequestedV1, MAX_TRAFFIC_SEEN_DEPLOYMENTS, type EventEnvelope, type IntegrationEventClass } from '@deploysphere/contracts';
import type { MessageTransport } from '@deploysphere/messaging';
import { randomUUID } from 'node:crypto';

/** How often an edge reports the server apps it served (the orchestrator's idle timeouts are minutes). */
export const TRAFFIC_REPORT_MS = 5_000;

export interface AppSignalsOptions {
  edgeId: string;
  /** How often the served deployments are reported (the idle clock of scale to zero). */
  reportIntervalMs: number;
}

/**
 * What the edge tells the orchestrator about server apps: which ones it served lately
 * (`DeploymentTrafficSeen.v1`, one batch per interval) and which sleeping ones a request waits
 * for (`DeploymentWakeRequested.v1`). Published straight to the transport, not through an outbox:
 * both are repeated, so a lost one is repaired by the next.
 */
export class AppSignals {
  private readonly logger = new Logger('EdgeAppSignals');
  private seenSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly transport: MessageTransport,
    private readonly options: AppSignalsOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.report(), this.options.reportIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.report();
  }

  /** A request for this server app was forwarded or is held (cheap: one map write). */
  seen(deploymentId: string): void {
    this.seenSince.set(deploymentId, Date.now());
  }

  wake(deploymentId: string, projectId: string): void {
    const payload: DeploymentWakeRequestedV1 = { deploymentId, projectId, requestedAt: new Date().toISOString() };
    this.publish(DeploymentWakeRequestedV1, payload, deploymentId).catch((err) =>
      this.logger.warn({ deploymentId, err: String(err) }, 'wake request not published; repeated while requests wait'),
    );
  }

  /** Sends what was seen since the last report, if anything. */
  async report(): Promise<void> {
    if (this.seenSince.size === 0) return;
    const seen = [...this.seenSince];
    this.seenSince = new Map();
    for (let i = 0; i < seen.length; i += MAX_TRAFFIC_SEEN_DEPLOYMENTS) {
      const deployments = seen.slice(i, i + MAX_TRAFFIC_SEEN_DEPLOYMENTS).map(([deploymentId, at]) => ({ deploymentId, lastRequestAt: new Date(at).toISOString() }));
      await this.publish(DeploymentTrafficSeenV1, { edgeId: this.options.edgeId, deployments }, this.options.edgeId).catch((err) =>
        this.logger.warn({ deployments: deployments.length, err: String(err) }, 'traffic report not published; the next one covers it'),
      );
    }
  }

  private async publish<P extends object>(eventClass: IntegrationEventClass<P>, payload: P, key: string): Promise<void> {
    const id = randomUUID();
    const envelope: EventEnvelope<P> = { id: `evt_${id}`, type: eventClass.type, key, occurredAt: new Date().toISOString(), correlationId: id, payload };
    await this.transport.publish([{ topic: eventClass.topic, key, value: envelope }]);
  }
}
