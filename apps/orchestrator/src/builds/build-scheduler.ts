import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ReadinessRegistry } from '@deploysphere/bootstrap';
import { CoalescedRunner } from '@deploysphere/common';
import { buildsConfig, type ConfigType } from '@deploysphere/config';
import { sampledGauge } from '@deploysphere/observability';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository, type OwnedDeployment } from '@deploysphere/deployments';
import { BUILD_RUNNER, type BuildRunner } from '../runner';
import { BUILD_CLAIM_LOCK } from '../orchestrator.constants';
import { BuildPipeline } from './build-pipeline';
import { planClaims } from './claim-plan';

/**
 * The build queue is the QUEUED rows: nothing is lost in a restart. One serialized loop per
 * instance (run on every nudge and every BUILD_QUEUE_POLL_MS):
 *  1. renews this instance's lease on the builds it runs and picks up cancel requests;
 *  2. recovers BUILDING/UPLOADING rows whose owner is gone (lease expired, or this instance
 *     restarted): reattaches to their build through runner_ref / labels or fails them;
 *  3. removes builds the runner still holds for deployments that already ended;
 *  4. claims queued deployments, under a transaction-scoped advisory lock so the global
 *     BUILD_CONCURRENCY holds across instances, each row moved only if it is still QUEUED
 *     (`UPDATE … WHERE status = 'QUEUED' RETURNING`) so no two instances ever build the same
 *     deployment and a cancel that came first stays canceled; one build per project; supersedes
 *     queued deployments a newer one replaces (claim-plan.ts). The row and its events commit in
 *     one transaction (outbox rows in one insert).
 */
@Injectable()
export class BuildScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BuildScheduler');
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private readonly passes = new CoalescedRunner(
    () => this.tick(),
    (err) => this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'build scheduler pass failed'),
  );
  private lastRenew = 0;
  private lastRecover = 0;
  private lastSweep = 0;
  private runnerWasReady = true;
  private readonly unregisterMetrics: Array<() => void> = [];

  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly pipeline: BuildPipeline,
    private readonly readiness: ReadinessRegistry,
    @Inject(BUILD_RUNNER) private readonly runner: BuildRunner,
    @Inject(buildsConfig.KEY) private readonly cfg: ConfigType<typeof buildsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register('build-runner', () => this.runner.isReady());
    this.unregisterMetrics.push(
      sampledGauge('deploysphere_build_queue_depth', 'Deployments waiting for a build (QUEUED), all orchestrators together.').add(async (set) => set({}, (await this.deployments.queueDepth()).queued)),
      sampledGauge('deploysphere_build_queue_oldest_age_seconds', 'Age of the oldest deployment waiting for a build (0 when none).').add(async (set) => set({}, (await this.deployments.queueDepth()).oldestSeconds)),
      sampledGauge('deploysphere_builds_running', 'Builds this orchestrator runs now.').add((set) => set({}, this.pipeline.activeCount)),
    );
    this.pipeline.whenFinished(() => this.nudge());
    this.stopped = false;
    this.passes.start();
    this.timer = setInterval(() => this.nudge(), Math.min(this.cfg.queuePollMs, (this.cfg.leaseSeconds * 1000) / 3));
    this.timer.unref();
    this.logger.log({ instanceId: this.cfg.instanceId, runner: this.runner.kind, concurrency: this.cfg.concurrency, instanceConcurrency: this.cfg.instanceConcurrency }, 'build scheduler started');
    this.nudge();
  }

  /** Before the database closes (modules are destroyed in reverse order of their dependencies). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const remove of this.unregisterMetrics.splice(0)) remove();
    await this.passes.stop();
    // Builds keep running; whoever owns them next (this instance restarted, or another once the
    // lease expires) reattaches.
    await this.pipeline.detachAll();
  }

  /** Look at the queue soon; coalesces calls made while a pass runs. */
  nudge(): void {
    if (!this.stopped) this.passes.run();
  }

  /** One pass: the four steps above, each when it is due. */
  private async tick(): Promise<void> {
    const leaseMs = this.cfg.leaseSeconds * 1000;
    const now = Date.now();
    if (now - this.lastRenew >= leaseMs / 3) {
      this.lastRenew = now;
      await this.renewLeases();
    }
    // As often as leases are renewed: a dead owner's build is taken over at most a third of a
    // lease after its lease expired (BUILD_LEASE_SECONDS × 4/3 after its last renewal).
    if (now - this.lastRecover >= leaseMs / 3 || this.lastRecover === 0) {
      this.lastRecover = now;
      await this.recover();
    }
    if (now - this.lastSweep >= leaseMs * 10 || this.lastSweep === 0) {
      this.lastSweep = now;
      await this.sweepOrphans();
    }
    await this.claim();
  }

  /** Extends the lease on builds running here; acts on cancel requests and lost ownership. */
  private async renewLeases(): Promise<void> {
    const ids = this.pipeline.leasedIds();
    if (ids.length === 0) return;
    const rows = await this.deployments.renewLeases(this.cfg.instanceId, ids, this.cfg.leaseSeconds);
    const owned = new Set(rows.map((r) => r.id));
    for (const r of rows) if (r.cancel) this.pipeline.cancel(r.id);
    // Gone from BUILDING/UPLOADING or owned by another instance: only the pipeline's own final
    // transition may end it; anything else means the row moved on without us.
    for (const id of ids) if (!owned.has(id)) this.pipeline.lose(id);
  }

  /** Takes over BUILDING/UPLOADING rows whose owner is gone, and resumes them here. */
  private async recover(): Promise<void> {
    const local = this.pipeline.activeIds();
    const taken = await this.deployments.takeOver(this.cfg.instanceId, local, this.cfg.leaseSeconds);
    if (taken.length === 0) return;
    for (const d of await this.owned(taken.map((r) => r.id))) {
      const previousOwner = taken.find((t) => t.id === d.id)?.previousOwner ?? null;
      this.logger.warn({ deploymentId: d.id, status: d.status, previousOwner, recoveredBy: this.cfg.instanceId, runnerRef: d.runnerRef }, 'recovering a build whose orchestrator is gone');
      this.pipeline.run(d, { previousOwner });
    }
  }

  /** Builds the runner still holds for deployments that ended are removed. */
  private async sweepOrphans(): Promise<void> {
    let known;
    try {
      known = await this.runner.listBuilds();
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'listing builds for cleanup failed');
      return;
    }
    if (known.length === 0) return;
    const local = new Set(this.pipeline.activeIds());
    const ids = [...new Set(known.map((k) => k.deploymentId))].filter((id) => !local.has(id));
    // Only deployments this database knows to have ended: an unknown id may belong to another
    // installation sharing the engine (a deleted project's builds go with ProjectDeleted).
    const remove = new Set(await this.deployments.endedAmong(ids));
    for (const k of known) {
      if (local.has(k.deploymentId) || !remove.has(k.deploymentId)) continue;
      this.logger.warn({ deploymentId: k.deploymentId, runnerRef: k.runnerRef }, 'removing a leftover build of a deployment that already ended');
      await this.runner.remove(k.deploymentId, k.runnerRef).catch((err) => this.logger.warn({ deploymentId: k.deploymentId, err: String(err) }, 'removing a leftover build failed'));
    }
  }

  private async claim(): Promise<void> {
    if (this.stopped) return;
    // This instance's own cap (BUILD_CONCURRENCY_PER_INSTANCE); the global one is counted below.
    const localSlots = Math.min(this.cfg.instanceConcurrency, this.cfg.concurrency) - this.pipeline.activeCount;
    if (localSlots <= 0) return;
    const ready = await this.runner.isReady();
    if (ready !== this.runnerWasReady) {
      this.runnerWasReady = ready;
      if (ready) this.logger.log({ runner: this.runner.kind }, 'build runner ready: claiming queued deployments again');
      else this.logger.warn({ runner: this.runner.kind }, 'build runner not ready: queued deployments wait');
    }
    if (!ready) return;

    const { started, superseded } = await this.deployments.claim({
      owner: this.cfg.instanceId,
      leaseSeconds: this.cfg.leaseSeconds,
      lock: BUILD_CLAIM_LOCK,
      concurrency: this.cfg.concurrency,
      localSlots,
      plan: planClaims,
    });
    for (const s of superseded) this.logger.log({ deploymentId: s.id, supersededBy: s.by }, 'queued deployment superseded');
    if (started.length === 0) return;
    for (const d of await this.owned(started)) {
      this.logger.log({ deploymentId: d.id, projectId: d.projectId, target: d.target }, 'build claimed');
      this.pipeline.run(d);
    }
  }

  private owned(ids: string[]): Promise<OwnedDeployment[]> {
    return this.deployments.owned(this.cfg.instanceId, ids);
  }
}
