import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AliasMovedV1, DeploymentReadyV1, DeploymentUpstreamsChangedV1, DomainRemovedV1, DomainVerifiedV1, ProjectDeletedV1, ProjectRoutingChangedV1, Topics } from '@deploysphere/contracts';
import { ConsumerHost } from '@deploysphere/messaging';
import { edgeConfig, type EdgeSettings } from '@deploysphere/config';
import { ManifestCache } from '../serving/manifest-cache';
import { ROUTE_SNAPSHOT_SOURCE, type RouteSnapshotSource } from './route-snapshot-source.port';
import { RouteTable } from './route-table';

export const ROUTE_TOPICS = [
  Topics.DeploymentReady,
  Topics.AliasMoved,
  Topics.ProjectRoutingChanged,
  Topics.ProjectDeleted,
  Topics.DomainVerified,
  Topics.DomainRemoved,
  Topics.DeploymentUpstreamsChanged,
];

/**
 * Keeps the route table current: subscribes first, then loads the snapshot, then applies what
 * arrived meanwhile, so no event falls between the two. Each instance has its own consumer
 * group (`edge-router.<instance-id>`): every edge must see every route event, unlike workers
 * that share a group to split the load. A new group starts at the topics' end (`startFrom:
 * 'latest'`): the snapshot replaces the history.
 */
@Injectable()
export class RouteTableSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EdgeRouteTable');
  private pending: object[] | undefined = [];
  private stopped = false;
  private resolveReady!: () => void;
  /** Settles once the snapshot is loaded and the events received meanwhile are applied. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));

  constructor(
    private readonly table: RouteTable,
    private readonly manifests: ManifestCache,
    private readonly consumer: ConsumerHost,
    @Inject(ROUTE_SNAPSHOT_SOURCE) private readonly source: RouteSnapshotSource,
    @Inject(edgeConfig.KEY) private readonly edge: EdgeSettings,
  ) {}

  get group(): string {
    return `edge-router.${this.edge.instanceId}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    // `latest`: the snapshot below holds everything published before the group's position was
    // fixed (when consume() resolves), so a new instance's group replays no history.
    await this.consumer.consume(this.group, ROUTE_TOPICS, async (event) => this.onEvent(event), { startFrom: 'latest' });
    // Loading waits for the database with retries; the edge already answers /healthz meanwhile.
    void this.loadWithRetry();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async loadWithRetry(): Promise<void> {
    for (let attempt = 1, delay = 250; !this.stopped; attempt++, delay = Math.min(delay * 2, 10_000)) {
      try {
        const started = Date.now();
        this.table.replaceAll(await this.source.load());
        const backlog = this.pending ?? [];
        this.pending = undefined;
        for (const event of backlog) this.apply(event);
        const stats = this.table.stats();
        this.logger.log({ ...stats, replayed: backlog.length, ms: Date.now() - started, group: this.group }, 'route table loaded');
        this.resolveReady();
        return;
      } catch (err) {
        this.logger.warn({ attempt, retryInMs: delay, err: String(err) }, 'route table load failed; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  private onEvent(event: object): void {
    if (this.pending) this.pending.push(event);
    else this.apply(event);
  }

  /** Every event is a complete statement of state with its time, so replays and duplicates are harmless. */
  private apply(event: object): void {
    if (event instanceof DeploymentReadyV1) {
      const { deploymentId: id, projectId, manifestKey, upstreams } = event;
      this.table.addDeployment({ id, projectId, manifestKey, upstreams }, event.slug, Date.parse(event.readyAt));
    } else if (event instanceof DeploymentUpstreamsChangedV1) {
      const applied = this.table.setUpstreams(event.deploymentId, event.upstreams, Date.parse(event.changedAt));
      this.logger.log({ deploymentId: event.deploymentId, upstreams: event.upstreams.length, applied }, 'app instances changed');
    } else if (event instanceof AliasMovedV1) {
      // Start reading the manifest now so the first request after the switch finds it warm.
      this.manifests.warm(event.deploymentId);
      const applied = this.table.moveAlias(event.projectId, event.slug, event.deploymentId, Date.parse(event.movedAt), event.previousDeploymentId ?? undefined);
      this.logger.log({ projectId: event.projectId, deploymentId: event.deploymentId, applied }, 'production alias moved');
    } else if (event instanceof ProjectRoutingChangedV1) {
      const { cleanUrls, spaFallback, custom404 } = event;
      this.table.upsertProject(event.projectId, event.slug, { cleanUrls, spaFallback, custom404, hsts: event.hsts ?? false }, Date.parse(event.changedAt));
    } else if (event instanceof ProjectDeletedV1) {
      this.table.removeProject(event.projectId);
    } else if (event instanceof DomainVerifiedV1) {
      const applied = this.table.attachDomain(event.hostname, event.projectId, Date.parse(event.verifiedAt), event.slug);
      this.logger.log({ projectId: event.projectId, hostname: event.hostname, applied }, 'custom domain attached');
    } else if (event instanceof DomainRemovedV1) {
      const applied = this.table.detachDomain(event.hostname, Date.parse(event.removedAt));
      this.logger.log({ projectId: event.projectId, hostname: event.hostname, applied }, 'custom domain detached');
    }
  }
}
