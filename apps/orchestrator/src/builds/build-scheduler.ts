import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ReadinessRegistry } from '@deploysphere/bootstrap';
import { buildsConfig, type ConfigType } from '@deploysphere/config';
import { DeploymentStatusChangedV1 } from '@deploysphere/contracts';
import { Prisma, PrismaService } from '@deploysphere/database';
import { event, OutboxRelay, OutboxWriter, type OutboxEvent } from '@deploysphere/messaging';
import { BUILD_RUNNER, type BuildRunner } from '@deploysphere/runner';
import { BUILD_CLAIM_LOCK, TRANSITION_TX } from '../orchestrator.constants';
import { BuildPipeline, type OwnedDeployment } from './build-pipeline';
import { planClaims, type QueuedDeployment } from './claim-plan';

const ACTIVE = ['BUILDING', 'UPLOADING'];

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
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private lastRenew = 0;
  private lastRecover = 0;
  private lastSweep = 0;
  private runnerWasReady = true;

  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly pipeline: BuildPipeline,
    private readonly readiness: ReadinessRegistry,
    @Inject(BUILD_RUNNER) private readonly runner: BuildRunner,
    @Inject(buildsConfig.KEY) private readonly cfg: ConfigType<typeof buildsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register('build-runner', () => this.runner.isReady());
    this.pipeline.whenFinished(() => this.nudge());
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), Math.min(this.cfg.queuePollMs, (this.cfg.leaseSeconds * 1000) / 3));
    this.timer.unref();
    this.logger.log({ instanceId: this.cfg.instanceId, runner: this.runner.kind, concurrency: this.cfg.concurrency, instanceConcurrency: this.cfg.instanceConcurrency }, 'build scheduler started');
    this.nudge();
  }

  /** Before the database closes (modules are destroyed in reverse order of their dependencies). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    // Builds keep running; whoever owns them next (this instance restarted, or another once the
    // lease expires) reattaches.
    await this.pipeline.detachAll();
  }

  /** Look at the queue soon; coalesces calls made while a pass runs. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** One pass: the four steps above, each when it is due. */
  private async tick(): Promise<void> {
    const leaseMs = this.cfg.leaseSeconds * 1000;
    const now = Date.now();
    if (now - this.lastRenew >= leaseMs / 3) {
      this.lastRenew = now;
      await this.renewLeases();
    }
    if (now - this.lastRecover >= leaseMs || this.lastRecover === 0) {
      this.lastRecover = now;
      await this.recover();
    }
    if (now - this.lastSweep >= leaseMs * 10 || this.lastSweep === 0) {
      this.lastSweep = now;
      await this.sweepOrphans();
    }
    await this.claim();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.tick();
      } catch (err) {
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'build scheduler pass failed');
      }
    } while (this.again && !this.stopped);
  }

  /** Extends the lease on builds running here; acts on cancel requests and lost ownership. */
  private async renewLeases(): Promise<void> {
    const ids = this.pipeline.leasedIds();
    if (ids.length === 0) return;
    const rows = await this.prisma.$queryRaw<Array<{ id: string; cancel: boolean }>>`
      UPDATE deployments SET lease_expires_at = now() + make_interval(secs => ${this.cfg.leaseSeconds})
      WHERE id = ANY(${ids}) AND orchestrator_id = ${this.cfg.instanceId} AND status = ANY(${ACTIVE}::"DeploymentStatus"[])
      RETURNING id, cancel_requested_at IS NOT NULL AS cancel`;
    const owned = new Set(rows.map((r) => r.id));
    for (const r of rows) if (r.cancel) this.pipeline.cancel(r.id);
    // Gone from BUILDING/UPLOADING or owned by another instance: only the pipeline's own final
    // transition may end it; anything else means the row moved on without us.
    for (const id of ids) if (!owned.has(id)) this.pipeline.lose(id);
  }

  /** Takes over BUILDING/UPLOADING rows whose owner is gone, and resumes them here. */
  private async recover(): Promise<void> {
    const local = this.pipeline.activeIds();
    const taken = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string; owner: string | null }>>`
        SELECT id, orchestrator_id AS owner FROM deployments
        WHERE status = ANY(${ACTIVE}::"DeploymentStatus"[]) AND NOT (id = ANY(${local}))
          AND (orchestrator_id = ${this.cfg.instanceId} OR orchestrator_id IS NULL OR lease_expires_at IS NULL OR lease_expires_at < now())
        ORDER BY building_at LIMIT 50
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return [];
      await tx.$executeRaw`
        UPDATE deployments SET orchestrator_id = ${this.cfg.instanceId}, lease_expires_at = now() + make_interval(secs => ${this.cfg.leaseSeconds})
        WHERE id = ANY(${rows.map((r) => r.id)})`;
      return rows;
    });
    if (taken.length === 0) return;
    for (const d of await this.owned(taken.map((r) => r.id))) {
      this.logger.warn({ deploymentId: d.id, status: d.status, previousOwner: taken.find((t) => t.id === d.id)?.owner, runnerRef: d.runnerRef }, 'recovering a build whose orchestrator is gone');
      this.pipeline.run(d, true);
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
    const ended = await this.prisma.deployment.findMany({ where: { id: { in: ids }, status: { in: ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'] } }, select: { id: true } });
    const remove = new Set(ended.map((d) => d.id));
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

    const claimed = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BUILD_CLAIM_LOCK})`;
      const busyRows = await tx.$queryRaw<Array<{ projectId: string; n: number }>>`
        SELECT project_id AS "projectId", count(*)::int AS n FROM deployments WHERE status = ANY(${ACTIVE}::"DeploymentStatus"[]) GROUP BY project_id`;
      const activeTotal = busyRows.reduce((sum, r) => sum + r.n, 0);
      const slots = Math.min(localSlots, this.cfg.concurrency - activeTotal);
      // Nothing can start: the queue is read (and superseded rows ended) on a pass that can.
      if (slots <= 0) return [];
      // Every queued deployment of the projects to start (not busy, by the age of their oldest
      // queued deployment, as many as there are slots) and of the projects with something to
      // supersede (two queued in one line: production, or a git branch's previews; the plan
      // decides). Chosen over the whole queue: a window of its oldest rows would be all one busy
      // project's once it queued that many. Read, not locked: no other claimer runs while this
      // one holds the claim lock, and every change below is conditional on the row still being
      // QUEUED (a cancel that got there first wins).
      const busy = busyRows.map((r) => r.projectId);
      const queued = await tx.$queryRaw<Array<QueuedDeployment & { correlationId: string | null }>>`
        WITH q AS (
          SELECT * FROM deployments WHERE status = 'QUEUED' AND cancel_requested_at IS NULL
        ), next AS (
          SELECT project_id FROM q WHERE project_id <> ALL(${busy}::text[])
          GROUP BY project_id ORDER BY min(created_at), min(id) LIMIT ${slots}
        ), superseding AS (
          SELECT project_id FROM q WHERE target = 'PRODUCTION' OR (source = 'GIT' AND git_ref IS NOT NULL)
          GROUP BY project_id, target, CASE WHEN target = 'PRODUCTION' THEN NULL ELSE git_ref END HAVING count(*) > 1
        )
        SELECT id, project_id AS "projectId", target::text AS target, source::text AS source, git_ref AS "gitRef", created_at AS "createdAt",
          correlation_id AS "correlationId"
        FROM q WHERE project_id IN (SELECT project_id FROM next UNION SELECT project_id FROM superseding)
        ORDER BY created_at, id`;
      if (queued.length === 0) return [];
      const correlation = new Map(queued.map((d) => [d.id, d.correlationId ?? d.id]));
      const plan = planClaims(queued, new Set(busy), slots);
      const now = new Date();
      const events: OutboxEvent[] = [];
      for (const s of plan.supersede) {
        const { count } = await tx.deployment.updateMany({
          where: { id: s.id, status: 'QUEUED' },
          data: { status: 'CANCELED', finishedAt: now, failureCode: 'SUPERSEDED', failureMessage: `Superseded by the newer deployment ${s.by} before its build started` },
        });
        if (count === 0) continue;
        events.push(
          event(
            DeploymentStatusChangedV1,
            { deploymentId: s.id, projectId: s.projectId, from: 'QUEUED', to: 'CANCELED', failureCode: 'SUPERSEDED', at: now.toISOString() },
            { key: s.id, correlationId: correlation.get(s.id)! },
          ),
        );
        this.logger.log({ deploymentId: s.id, supersededBy: s.by }, 'queued deployment superseded');
      }
      let started: string[] = [];
      if (plan.start.length > 0) {
        const rows = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE deployments SET status = 'BUILDING', building_at = ${now}, orchestrator_id = ${this.cfg.instanceId},
            lease_expires_at = now() + make_interval(secs => ${this.cfg.leaseSeconds}), runner_ref = NULL, updated_at = ${now}
          WHERE id = ANY(${plan.start.map((d) => d.id)}) AND status = 'QUEUED' AND cancel_requested_at IS NULL
          RETURNING id`;
        const updated = new Set(rows.map((r) => r.id));
        const starting = plan.start.filter((d) => updated.has(d.id));
        started = starting.map((d) => d.id);
        for (const d of starting) {
          events.push(
            event(
              DeploymentStatusChangedV1,
              { deploymentId: d.id, projectId: d.projectId, from: 'QUEUED', to: 'BUILDING', at: now.toISOString() },
              { key: d.id, correlationId: correlation.get(d.id)! },
            ),
          );
        }
      }
      await this.outbox.addMany(tx, events);
      return started;
    }, TRANSITION_TX);
    if (claimed.length === 0) return;
    this.relay.nudge();
    for (const d of await this.owned(claimed)) {
      this.logger.log({ deploymentId: d.id, projectId: d.projectId, target: d.target }, 'build claimed');
      this.pipeline.run(d, false);
    }
  }

  private async owned(ids: string[]): Promise<OwnedDeployment[]> {
    return this.prisma.query<OwnedDeployment>(Prisma.sql`
      SELECT id, project_id AS "projectId", target::text AS target, source::text AS source, source_key AS "sourceKey", git_ref AS "gitRef",
        commit_sha AS "commitSha", created_at AS "createdAt", coalesce(building_at, now()) AS "buildingAt", status::text AS status,
        runner_ref AS "runnerRef", cancel_requested_at IS NOT NULL AS "cancelRequested", coalesce(correlation_id, id) AS "correlationId"
      FROM deployments
      WHERE id = ANY(${ids}) AND orchestrator_id = ${this.cfg.instanceId} AND status IN ('BUILDING', 'UPLOADING')
      ORDER BY created_at`);
  }
}
