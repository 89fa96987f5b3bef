import { Injectable, Logger } from '@nestjs/common';
import { Batcher, newId, NotFoundError, ConflictError } from '@deploysphere/common';
import { DeploymentCancelRequestedV1, DeploymentUpstreamsChangedV1, type DeploymentStatusName } from '@deploysphere/contracts';
import { Prisma, PrismaService, type Deployment } from '@deploysphere/database';
import { event, outboxInsert, outboxRows, OutboxWriter, processedInsert, sliceOutboxRows, type OutboxEvent } from '@deploysphere/messaging';
import type {
  AliasMove,
  AppRuntimeName,
  AppRole,
  BuildContext,
  ClaimRequest,
  ClaimResult,
  DeploymentListQuery,
  DeploymentRepository,
  DeploymentRequest,
  DeploymentTx,
  FinalStatus,
  OwnedDeployment,
  PendingPromotion,
  QueuedDeployment,
  ServableDeployment,
  StopOutcome,
} from '../deployment.repository.port';
import { deploymentLifecycle as lifecycle } from '../domain/deployment-lifecycle';
import { assertCanGoLive, SERVABLE } from '../domain/go-live';
import { buildMeta, lifecycleEvents } from '../domain/lifecycle-events';
import { aliasMoveCtes } from './alias-move.sql';

const MAX_MESSAGE = 2000;

/**
 * Options of the lifecycle's interactive transactions. Waiting for a pooled connection is what a
 * busy orchestrator does (hundreds of builds share DATABASE_POOL_SIZE connections); Prisma's
 * default of 2 s would instead fail a transition, and a build that had succeeded would end FAILED.
 */
const TRANSITION_TX = { maxWait: 30_000, timeout: 15_000 };

/** A transition the group commit writes: one owned row, one possible previous status. */
interface BatchedTransition {
  owner: string;
  id: string;
  from: DeploymentStatusName;
  to: DeploymentStatusName;
  at: Date;
  manifestKey: string | null;
  events: OutboxEvent[];
}

const statuses = (list: DeploymentStatusName[]) => Prisma.sql`${list}::"DeploymentStatus"[]`;

/**
 * The PostgreSQL adapter: all SQL for deployments and project aliases. Status conditions come
 * from the lifecycle (deployment-lifecycle.ts); statements that write events go through
 * OutboxWriter (`transaction`/`query`), which nudges the relay after they commit.
 *
 * A status change locks the row, checks that it is still in a status the change is allowed from
 * and, out of an active status, still owned by the caller, then changes it and writes its events
 * in the same transaction: an instance that lost a build (canceled, taken over after its lease
 * expired) cannot overwrite what the new owner did. The two transitions of every successful
 * build, and runner refs, are group-committed across concurrent builds (Batcher): with hundreds
 * of builds at once they were most of the orchestrator's statements.
 */
@Injectable()
export class PostgresDeploymentRepository implements DeploymentRepository {
  private readonly logger = new Logger('DeploymentLifecycle');

  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
  ) {}

  // ---- the api's writes

  findVisible(teamId: string, deploymentId: string): Promise<Deployment | null> {
    return this.prisma.deployment.findFirst({ where: { id: deploymentId, project: { teamId } } });
  }

  async listVisible(teamId: string, projectId: string, query: DeploymentListQuery): Promise<Deployment[] | null> {
    if (!(await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } }))) return null;
    const { after } = query;
    return this.prisma.deployment.findMany({
      where: {
        projectId,
        status: query.status,
        target: query.target,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.take,
    });
  }

  async servablePage(afterId: string | undefined, take: number): Promise<ServableDeployment[]> {
    const rows = await this.prisma.deployment.findMany({
      where: { status: { in: SERVABLE } },
      select: {
        id: true,
        projectId: true,
        artifactManifestKey: true,
        leftProductionAt: true,
        runtime: true,
        instances: { where: { state: 'running', address: { not: null } }, select: { address: true }, orderBy: { id: 'asc' } },
      },
      orderBy: { id: 'asc' },
      take,
      ...(afterId ? { skip: 1, cursor: { id: afterId } } : {}),
    });
    return rows.map((d) => ({
      id: d.id,
      projectId: d.projectId,
      manifestKey: d.artifactManifestKey,
      leftProductionAt: d.leftProductionAt,
      upstreams: d.runtime === 'container' ? d.instances.map((i) => i.address!) : null,
    }));
  }

  async isProjectVisible(teamId: string, projectId: string): Promise<boolean> {
    const rows = await this.prisma.query(Prisma.sql`SELECT 1 FROM projects WHERE id = ${projectId} AND team_id = ${teamId}`);
    return rows.length > 0;
  }

  async createQueued(tx: DeploymentTx, request: DeploymentRequest): Promise<Deployment> {
    const { row, requested } = prepare(request);
    const { status, target, source, gitRef, commitSha, commitMessage, sourceKey, createdByTokenId, correlationId, createdAt, updatedAt } = row;
    await tx.deployment.create({
      data: { id: row.id, projectId: row.projectId, status, target, source, gitRef, commitSha, commitMessage, sourceKey, createdByTokenId, correlationId, createdAt, updatedAt },
    });
    await this.outbox.addMany(tx, [requested]);
    return row;
  }

  /** The check, the row and its event in one statement, no interactive transaction (most of an upload's database cost was its five round trips). */
  async createQueuedIfProjectVisible(request: DeploymentRequest): Promise<Deployment | undefined> {
    const { row, requested } = prepare(request);
    const [written] = await this.outbox.query<{ id: string }>(Prisma.sql`
      WITH project AS (
        SELECT id FROM projects WHERE id = ${request.projectId} AND team_id = ${request.teamId}
      ), d AS (
        INSERT INTO deployments (id, project_id, status, target, source, git_ref, commit_sha, commit_message, source_key,
                                 created_by_token_id, correlation_id, created_at, updated_at)
        SELECT ${row.id}, project.id, ${row.status}::"DeploymentStatus", ${row.target}::"DeploymentTarget", ${row.source}::"DeploymentSource", ${row.gitRef}, ${row.commitSha},
               ${row.commitMessage}, ${row.sourceKey}, ${row.createdByTokenId}, ${row.correlationId}, ${row.createdAt}::timestamptz, ${row.updatedAt}::timestamptz
        FROM project
        RETURNING id
      ), events AS (${outboxInsert(outboxRows([requested]), { when: Prisma.sql`EXISTS (SELECT 1 FROM d)` })})
      SELECT id FROM d`);
    return written ? row : undefined;
  }

  async cancel(teamId: string, deploymentId: string, correlationId: string): Promise<Deployment> {
    return this.outbox.transaction(async (tx) => {
      // Locked: the orchestrator may be moving it to BUILDING right now.
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT d.id FROM deployments d JOIN projects p ON p.id = d.project_id
        WHERE d.id = ${deploymentId} AND p.team_id = ${teamId} FOR UPDATE OF d`;
      if (locked.length === 0) throw new NotFoundError('deployment', deploymentId);
      const d = await tx.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
      if (d.status === 'CANCELED' || d.cancelRequestedAt) return d;
      if (lifecycle.isEnded(d.status)) {
        throw new ConflictError('DEPLOYMENT_NOT_CANCELABLE', `A deployment that is ${d.status} cannot be canceled`, { currentStatus: d.status });
      }
      const now = new Date();
      if (lifecycle.allows(d.status, 'CANCELED', 'api')) {
        const canceled = await tx.deployment.update({
          where: { id: d.id },
          data: { status: 'CANCELED', cancelRequestedAt: now, finishedAt: now, failureCode: 'CANCELED', failureMessage: 'Canceled before the build started' },
        });
        await this.outbox.addMany(tx, [lifecycleEvents.statusChanged(d, d.status, 'CANCELED', now, { correlationId })]);
        return canceled;
      }
      const requested = await tx.deployment.update({ where: { id: d.id }, data: { cancelRequestedAt: now } });
      await this.outbox.add(tx, DeploymentCancelRequestedV1, { deploymentId: d.id, projectId: d.projectId, requestedAt: now.toISOString() }, { key: d.id, correlationId });
      return requested;
    });
  }

  async promote(teamId: string, deploymentId: string, correlationId: string): Promise<AliasMove> {
    return this.outbox.transaction(async (tx) => {
      const deployment = await tx.deployment.findFirst({ where: { id: deploymentId, project: { teamId } }, include: { project: true } });
      if (!deployment) throw new NotFoundError('deployment', deploymentId);
      return this.moveAlias(tx, deployment.project, deployment, correlationId);
    });
  }

  async rollback(teamId: string, projectId: string, deploymentId: string | undefined, correlationId: string): Promise<AliasMove> {
    return this.outbox.transaction(async (tx) => {
      const project = await tx.project.findFirst({ where: { id: projectId, teamId }, include: { alias: { include: { deployment: true } } } });
      if (!project) throw new NotFoundError('project', projectId);
      const live = project.alias?.deployment;
      // Without a named deployment, "previous" is the newest READY production deployment created
      // before the live one, so repeated rollbacks walk back through history.
      const target = deploymentId
        ? await tx.deployment.findFirst({ where: { id: deploymentId, projectId } })
        : await tx.deployment.findFirst({
            where: { projectId, target: 'PRODUCTION', status: 'READY', ...(live ? { createdAt: { lt: live.createdAt }, id: { not: live.id } } : {}) },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          });
      if (!target) {
        if (deploymentId) throw new NotFoundError('deployment', deploymentId);
        throw new ConflictError('NO_PREVIOUS_DEPLOYMENT', 'There is no earlier READY production deployment to roll back to');
      }
      return this.moveAlias(tx, project, target, correlationId);
    });
  }

  /**
   * A promote or rollback: the alias moves to any READY deployment, replacing whatever is live,
   * and any promotion of the project still starting is superseded (the last request wins). A
   * container deployment's instances may be stopped (drained, asleep): the move is recorded as a
   * request instead, and the orchestrator moves the alias once they are healthy (promotionLive).
   * Rows are locked in one order everywhere: the deployments, then the alias row.
   */
  private async moveAlias(
    tx: DeploymentTx,
    project: { id: string; slug: string },
    deployment: { id: string; status: DeploymentStatusName; runtime: AppRuntimeName | null },
    correlationId: string,
  ): Promise<AliasMove> {
    assertCanGoLive(deployment.status);
    const at = new Date();
    await tx.$executeRaw`
      UPDATE deployments SET promotion_requested_at = NULL, promotion_owner = NULL, promotion_lease_expires_at = NULL,
        promotion_failure_code = 'SUPERSEDED', promotion_failure_message = 'A later promote or rollback replaced this one'
      WHERE project_id = ${project.id} AND promotion_requested_at IS NOT NULL AND id <> ${deployment.id}`;
    if (deployment.runtime === 'container') {
      const [live] = await tx.$queryRaw<Array<{ deploymentId: string }>>`SELECT deployment_id AS "deploymentId" FROM project_aliases WHERE project_id = ${project.id}`;
      if (live?.deploymentId !== deployment.id) {
        await tx.$executeRaw`
          UPDATE deployments SET promotion_requested_at = ${at}, promotion_correlation_id = ${correlationId}, promotion_owner = NULL,
            promotion_lease_expires_at = NULL, promotion_failure_code = NULL, promotion_failure_message = NULL
          WHERE id = ${deployment.id}`;
        return { projectId: project.id, deploymentId: deployment.id, previousDeploymentId: live?.deploymentId ?? null, state: 'starting', movedAt: null };
      }
    }
    const [row] = await tx.$queryRaw<Array<{ previous: string | null }>>(Prisma.sql`
      WITH ${aliasMoveCtes({ projectId: project.id, deploymentId: deployment.id, at, gate: Prisma.sql`TRUE`, event: outboxRows([lifecycleEvents.aliasMoved(project, deployment.id, at, correlationId)]) })}
      SELECT (SELECT deployment_id FROM live) AS previous`);
    return { projectId: project.id, deploymentId: deployment.id, previousDeploymentId: row?.previous ?? null, state: 'moved', movedAt: at.toISOString() };
  }

  // ---- the orchestrator's

  /**
   * IdempotencyService.runOnce's record and the status read as one statement, for every request
   * being handled at once (the consumer handles its partitions concurrently): one round trip for
   * the lot, and no interactive transaction holding a pooled connection.
   */
  private readonly requests = new Batcher<{ consumer: string; eventId: string; deploymentId: string }, { first: boolean; status: DeploymentStatusName | null }>(
    async (items) => {
      const results = new Map<string, { first: boolean; status: DeploymentStatusName | null }>();
      for (const consumer of new Set(items.map((i) => i.consumer))) {
        const mine = items.filter((i) => i.consumer === consumer);
        const rows = await this.prisma.query<{ eventId: string; first: boolean; status: DeploymentStatusName | null }>(Prisma.sql`
          WITH input AS (
            SELECT * FROM unnest(${mine.map((i) => i.eventId)}::text[], ${mine.map((i) => i.deploymentId)}::text[]) AS t(event_id, deployment_id)
          ), recorded AS (${processedInsert(consumer, Prisma.sql`SELECT event_id FROM input`)})
          SELECT DISTINCT ON (i.event_id) i.event_id AS "eventId", EXISTS (SELECT 1 FROM recorded r WHERE r.message_id = i.event_id) AS first,
            (SELECT status::text FROM deployments WHERE id = i.deployment_id) AS status
          FROM input i`);
        for (const r of rows) results.set(`${consumer}\u0000${r.eventId}`, r);
      }
      // The same event twice in one batch (a redelivery racing its original): only the first counts.
      const seen = new Set<string>();
      return items.map(({ consumer, eventId }) => {
        const key = `${consumer}\u0000${eventId}`;
        const { first, status } = results.get(key)!;
        const once = first && !seen.has(key);
        seen.add(key);
        return { first: once, status };
      });
    },
  );

  recordRequest(consumer: string, eventId: string, deploymentId: string): Promise<{ first: boolean; status: DeploymentStatusName | null }> {
    return this.requests.submit({ consumer, eventId, deploymentId });
  }

  async stop(tx: DeploymentTx, deploymentId: string, requestedAt: Date, meta: { correlationId: string; causationId: string }): Promise<StopOutcome> {
    // Locked first: a scheduler claiming it at this moment either went first (we read BUILDING)
    // or waits for us and then finds it no longer QUEUED.
    await tx.$executeRaw`SELECT 1 FROM deployments WHERE id = ${deploymentId} FOR UPDATE`;
    const d = await tx.deployment.findUnique({ where: { id: deploymentId } });
    if (!d || lifecycle.isEnded(d.status)) return 'ended';
    if (lifecycle.needsOwner(d.status)) {
      if (!d.cancelRequestedAt) await tx.deployment.update({ where: { id: d.id }, data: { cancelRequestedAt: requestedAt } });
      return 'running';
    }
    lifecycle.assert(d.status, 'CANCELED', 'orchestrator');
    const now = new Date();
    await tx.deployment.update({
      where: { id: d.id },
      data: { status: 'CANCELED', finishedAt: now, cancelRequestedAt: d.cancelRequestedAt ?? now, failureCode: 'CANCELED', failureMessage: 'Canceled by the user' },
    });
    await this.outbox.addMany(tx, [lifecycleEvents.statusChanged(d, d.status, 'CANCELED', now, meta, 'CANCELED')]);
    return 'canceled';
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const { owner, leaseSeconds, lock, concurrency, localSlots, plan } = request;
    const active = statuses(lifecycle.inPhase('active'));
    const starts = lifecycle.sources('BUILDING', 'orchestrator');
    const supersedable = lifecycle.sources('CANCELED', 'orchestrator').filter((s) => !lifecycle.needsOwner(s));
    return this.outbox.transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lock})`;
      const busyRows = await tx.$queryRaw<Array<{ projectId: string; n: number }>>`
        SELECT project_id AS "projectId", count(*)::int AS n FROM deployments WHERE status = ANY(${active}) GROUP BY project_id`;
      const activeTotal = busyRows.reduce((sum, r) => sum + r.n, 0);
      const slots = Math.min(localSlots, concurrency - activeTotal);
      // Nothing can start: the queue is read (and superseded rows ended) on a pass that can.
      if (slots <= 0) return { started: [], superseded: [] };
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
          SELECT * FROM deployments WHERE status = ANY(${statuses(starts)}) AND cancel_requested_at IS NULL
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
      if (queued.length === 0) return { started: [], superseded: [] };
      const correlation = new Map(queued.map((d) => [d.id, d.correlationId ?? d.id]));
      const decision = plan(queued, new Set(busy), slots);
      const now = new Date();
      const events: OutboxEvent[] = [];
      const superseded: ClaimResult['superseded'] = [];
      for (const s of decision.supersede) {
        const { count } = await tx.deployment.updateMany({
          where: { id: s.id, status: { in: supersedable } },
          data: { status: 'CANCELED', finishedAt: now, failureCode: 'SUPERSEDED', failureMessage: `Superseded by the newer deployment ${s.by} before its build started` },
        });
        if (count === 0) continue;
        events.push(lifecycleEvents.statusChanged(s, 'QUEUED', 'CANCELED', now, { correlationId: correlation.get(s.id)! }, 'SUPERSEDED'));
        superseded.push({ id: s.id, by: s.by });
      }
      let started: string[] = [];
      if (decision.start.length > 0) {
        const rows = await tx.$queryRaw<Array<{ id: string }>>`
          UPDATE deployments SET status = 'BUILDING', building_at = ${now}, orchestrator_id = ${owner},
            lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), runner_ref = NULL, updated_at = ${now}
          WHERE id = ANY(${decision.start.map((d) => d.id)}) AND status = ANY(${statuses(starts)}) AND cancel_requested_at IS NULL
          RETURNING id`;
        const updated = new Set(rows.map((r) => r.id));
        const starting = decision.start.filter((d) => updated.has(d.id));
        started = starting.map((d) => d.id);
        for (const d of starting) events.push(lifecycleEvents.statusChanged(d, 'QUEUED', 'BUILDING', now, { correlationId: correlation.get(d.id)! }));
      }
      await this.outbox.addMany(tx, events);
      return { started, superseded };
    }, TRANSITION_TX);
  }

  async renewLeases(owner: string, ids: string[], leaseSeconds: number): Promise<Array<{ id: string; cancel: boolean }>> {
    if (ids.length === 0) return [];
    return this.prisma.query(Prisma.sql`
      UPDATE deployments SET lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
      WHERE id = ANY(${ids}) AND orchestrator_id = ${owner} AND status = ANY(${statuses(lifecycle.inPhase('active'))})
      RETURNING id, cancel_requested_at IS NOT NULL AS cancel`);
  }

  async takeOver(owner: string, running: string[], leaseSeconds: number): Promise<Array<{ id: string; previousOwner: string | null }>> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: string; previousOwner: string | null }>>`
        SELECT id, orchestrator_id AS "previousOwner" FROM deployments
        WHERE status = ANY(${statuses(lifecycle.inPhase('active'))}) AND NOT (id = ANY(${running}))
          AND (orchestrator_id = ${owner} OR orchestrator_id IS NULL OR lease_expires_at IS NULL OR lease_expires_at < now())
        ORDER BY building_at LIMIT 50
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return [];
      await tx.$executeRaw`
        UPDATE deployments SET orchestrator_id = ${owner}, lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
        WHERE id = ANY(${rows.map((r) => r.id)})`;
      return rows;
    });
  }

  async owned(owner: string, ids: string[]): Promise<OwnedDeployment[]> {
    return this.prisma.query<OwnedDeployment>(Prisma.sql`
      SELECT id, project_id AS "projectId", target::text AS target, source::text AS source, source_key AS "sourceKey", git_ref AS "gitRef",
        commit_sha AS "commitSha", created_at AS "createdAt", coalesce(building_at, now()) AS "buildingAt", status::text AS status,
        runner_ref AS "runnerRef", cancel_requested_at IS NOT NULL AS "cancelRequested", coalesce(correlation_id, id) AS "correlationId"
      FROM deployments
      WHERE id = ANY(${ids}) AND orchestrator_id = ${owner} AND status = ANY(${statuses(lifecycle.inPhase('active'))})
      ORDER BY created_at`);
  }

  async queueDepth(): Promise<{ queued: number; oldestSeconds: number }> {
    const [row] = await this.prisma.query<{ queued: number; oldest: number | null }>(Prisma.sql`
      SELECT count(*)::int AS queued, extract(epoch FROM now() - min(created_at))::float8 AS oldest FROM deployments WHERE status = 'QUEUED'`);
    return { queued: row?.queued ?? 0, oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  }

  async endedAmong(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.prisma.deployment.findMany({ where: { id: { in: ids }, status: { in: lifecycle.inPhase('ended') } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** Runner refs of concurrently started builds, in one UPDATE per batch. */
  private readonly runnerRefs = new Batcher<{ owner: string; id: string; runnerRef: string }, boolean>(async (items) => {
    const updated = await this.prisma.query<{ id: string; owner: string }>(Prisma.sql`
      UPDATE deployments d SET runner_ref = i.runner_ref, updated_at = now()
      FROM unnest(${items.map((i) => i.id)}::text[], ${items.map((i) => i.runnerRef)}::text[], ${items.map((i) => i.owner)}::text[]) AS i(id, runner_ref, owner)
      WHERE d.id = i.id AND d.orchestrator_id = i.owner AND d.status = ANY(${statuses(lifecycle.inPhase('active'))})
      RETURNING d.id, i.owner`);
    const done = new Set(updated.map((u) => `${u.owner}\u0000${u.id}`));
    return items.map((i) => done.has(`${i.owner}\u0000${i.id}`));
  });

  setRunnerRef(owner: string, deploymentId: string, runnerRef: string): Promise<boolean> {
    return this.runnerRefs.submit({ owner, id: deploymentId, runnerRef });
  }

  async withExpiredSources(before: Date, limit: number): Promise<Array<{ id: string; sourceKey: string }>> {
    return this.prisma.query<{ id: string; sourceKey: string }>(Prisma.sql`
      SELECT id, source_key AS "sourceKey" FROM deployments
      WHERE source_key IS NOT NULL AND finished_at < ${before} AND status = ANY(${statuses(lifecycle.inPhase('ended'))})
      ORDER BY finished_at LIMIT ${limit}`);
  }

  async forgetSource(deploymentId: string, sourceKey: string): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE deployments SET source_key = NULL WHERE id = ${deploymentId} AND source_key = ${sourceKey}`);
  }

  async recordCommit(deploymentId: string, commit: { sha?: string; message?: string }): Promise<void> {
    await this.prisma.deployment.update({ where: { id: deploymentId }, data: { commitSha: commit.sha, commitMessage: commit.message?.slice(0, 1000) } });
  }

  /**
   * The two transitions every successful build makes (BUILDING → UPLOADING, and UPLOADING → READY
   * for a preview) are group-committed: those of concurrent builds go to the database together,
   * one statement per batch (see writeBatch), which is most of the orchestrator's database work.
   */
  private readonly batched = new Batcher<BatchedTransition, boolean>((items) => this.writeBatch(items));

  async buildSucceeded(owner: string, ctx: BuildContext, build: { runner: string; durationMs: number; framework?: string }): Promise<boolean> {
    const at = new Date();
    return this.commitBatched(ctx, {
      owner,
      id: ctx.id,
      ...this.single('BUILDING', 'UPLOADING'),
      at,
      manifestKey: null,
      events: [lifecycleEvents.statusChanged(ctx, 'BUILDING', 'UPLOADING', at, buildMeta(ctx)), lifecycleEvents.buildSucceeded(ctx, build, at)],
    });
  }

  async ready(owner: string, ctx: BuildContext, manifestKey: string): Promise<{ aliasMoved: boolean } | undefined> {
    if (ctx.target !== 'PRODUCTION') {
      const at = new Date();
      const events = [lifecycleEvents.statusChanged(ctx, 'UPLOADING', 'READY', at, buildMeta(ctx)), lifecycleEvents.ready(ctx, manifestKey, at)];
      return (await this.commitBatched(ctx, { owner, id: ctx.id, ...this.single('UPLOADING', 'READY'), at, manifestKey, events })) ? { aliasMoved: false } : undefined;
    }
    const live = await this.goLive(owner, ctx, 'UPLOADING', { manifestKey });
    return live && { aliasMoved: live.aliasMoved };
  }

  appReady(owner: string, ctx: BuildContext, upstreams: string[]): Promise<{ aliasMoved: boolean; previousDeploymentId: string | null } | undefined> {
    return this.goLive(owner, ctx, 'STARTING', { upstreams });
  }

  async claimStarting(owner: string, leaseSeconds: number, running: string[]): Promise<Array<BuildContext & { imageRef: string }>> {
    return this.prisma.query<BuildContext & { imageRef: string }>(Prisma.sql`
      WITH claimable AS (
        SELECT id FROM deployments
        WHERE status = 'STARTING' AND image_ref IS NOT NULL AND NOT (id = ANY(${running}::text[]))
          AND (lease_expires_at IS NULL OR lease_expires_at < now() OR orchestrator_id = ${owner})
        ORDER BY created_at LIMIT 20
        FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE deployments d SET orchestrator_id = ${owner}, lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
        FROM claimable c WHERE d.id = c.id
        RETURNING d.id, d.project_id, d.target, d.created_at, d.correlation_id, d.image_ref
      )
      SELECT c.id, c.project_id AS "projectId", p.slug, c.target::text AS target, c.created_at AS "createdAt",
        coalesce(c.correlation_id, c.id) AS "correlationId", c.image_ref AS "imageRef"
      FROM claimed c JOIN projects p ON p.id = c.project_id`);
  }

  async claimPromotions(owner: string, leaseSeconds: number, running: string[]): Promise<PendingPromotion[]> {
    return this.prisma.query<PendingPromotion>(Prisma.sql`
      WITH claimable AS (
        SELECT id FROM deployments
        WHERE promotion_requested_at IS NOT NULL AND status = 'READY' AND image_ref IS NOT NULL AND NOT (id = ANY(${running}::text[]))
          AND (promotion_lease_expires_at IS NULL OR promotion_lease_expires_at < now() OR promotion_owner = ${owner})
        ORDER BY promotion_requested_at LIMIT 20
        FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE deployments d SET promotion_owner = ${owner}, promotion_lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
        FROM claimable c WHERE d.id = c.id
        RETURNING d.id, d.project_id, d.target, d.created_at, d.promotion_correlation_id, d.image_ref, d.promotion_requested_at
      )
      SELECT c.id, c.project_id AS "projectId", p.slug, c.target::text AS target, c.created_at AS "createdAt",
        coalesce(c.promotion_correlation_id, c.id) AS "correlationId", c.image_ref AS "imageRef", c.promotion_requested_at AS "requestedAt"
      FROM claimed c JOIN projects p ON p.id = c.project_id`);
  }

  async promotionLive(promotion: PendingPromotion, upstreams: string[]): Promise<{ previousDeploymentId: string | null } | undefined> {
    const at = new Date();
    const moved = Prisma.sql`EXISTS (SELECT 1 FROM moved)`;
    const [result] = await this.outbox.query<{ applied: boolean; previous: string | null }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET promotion_requested_at = NULL, promotion_owner = NULL, promotion_lease_expires_at = NULL,
          promotion_failure_code = NULL, promotion_failure_message = NULL, asleep_at = NULL, last_request_at = ${at}, updated_at = ${at}
        WHERE id = ${promotion.id} AND status = 'READY' AND promotion_requested_at = ${promotion.requestedAt}
        RETURNING id
      ), upstreams AS (${outboxInsert(outboxRows([upstreamsEvent(promotion, upstreams, at, promotion.correlationId)]), { when: moved })}),
      ${aliasMoveCtes({
        projectId: promotion.projectId,
        deploymentId: promotion.id,
        at,
        gate: moved,
        event: outboxRows([lifecycleEvents.aliasMoved({ id: promotion.projectId, slug: promotion.slug }, promotion.id, at, promotion.correlationId)]),
      })}
      SELECT ${moved} AS applied, (SELECT previous FROM alias LIMIT 1) AS previous`);
    return result.applied ? { previousDeploymentId: result.previous } : undefined;
  }

  async promotionFailed(promotion: PendingPromotion, failure: { code: string; message: string }): Promise<boolean> {
    const changed = await this.prisma.query<{ id: string }>(Prisma.sql`
      UPDATE deployments SET promotion_requested_at = NULL, promotion_owner = NULL, promotion_lease_expires_at = NULL,
        promotion_failure_code = ${failure.code}, promotion_failure_message = ${failure.message.slice(0, MAX_MESSAGE)}, updated_at = now()
      WHERE id = ${promotion.id} AND promotion_requested_at = ${promotion.requestedAt}
      RETURNING id`);
    return changed.length > 0;
  }

  async appRoles(ids: string[]): Promise<AppRole[]> {
    if (ids.length === 0) return [];
    return this.prisma.query<AppRole>(Prisma.sql`
      SELECT d.id, d.status::text AS status, d.target::text AS target, coalesce(a.deployment_id = d.id, false) AS live,
        d.promotion_requested_at IS NOT NULL AS promoting, d.asleep_at IS NOT NULL AS asleep,
        coalesce(d.wake_lease_expires_at > now(), false) AS waking, coalesce(d.last_request_at, d.ready_at) AS "idleSince",
        p.idle_timeout_seconds AS "idleTimeoutSeconds",
        CASE WHEN coalesce(a.deployment_id = d.id, false) THEN NULL ELSE a.updated_at END AS "aliasMovedAt"
      FROM deployments d JOIN projects p ON p.id = d.project_id LEFT JOIN project_aliases a ON a.project_id = d.project_id
      WHERE d.id = ANY(${ids})`);
  }

  async recordTraffic(seen: Array<{ deploymentId: string; lastRequestAt: Date }>): Promise<void> {
    if (seen.length === 0) return;
    await this.prisma.query(Prisma.sql`
      WITH seen AS (
        SELECT id, least(max(at), now()) AS at FROM unnest(${seen.map((s) => s.deploymentId)}::text[], ${seen.map((s) => s.lastRequestAt)}::timestamptz[]) AS t(id, at) GROUP BY id
      )
      UPDATE deployments d SET last_request_at = s.at
      FROM seen s WHERE d.id = s.id AND (d.last_request_at IS NULL OR d.last_request_at < s.at)`);
  }

  async sleep(app: { id: string; projectId: string }, idleSeconds: number): Promise<boolean> {
    const at = new Date();
    const moved = Prisma.sql`EXISTS (SELECT 1 FROM moved)`;
    const [result] = await this.outbox.query<{ applied: boolean }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET asleep_at = ${at}, updated_at = ${at}
        WHERE id = ${app.id} AND status = 'READY' AND runtime = 'container' AND asleep_at IS NULL AND promotion_requested_at IS NULL
          AND coalesce(last_request_at, ready_at) < now() - make_interval(secs => ${idleSeconds})
        RETURNING id
      ), events AS (${outboxInsert(outboxRows([upstreamsEvent(app, [], at)]), { when: moved })})
      SELECT ${moved} AS applied`);
    return result.applied;
  }

  async claimWake(owner: string, deploymentId: string, leaseSeconds: number): Promise<(BuildContext & { imageRef: string }) | undefined> {
    const [row] = await this.prisma.query<BuildContext & { imageRef: string }>(Prisma.sql`
      WITH claimed AS (
        UPDATE deployments SET wake_owner = ${owner}, wake_lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
        WHERE id = ${deploymentId} AND status = 'READY' AND asleep_at IS NOT NULL AND image_ref IS NOT NULL
          AND (wake_lease_expires_at IS NULL OR wake_lease_expires_at < now())
        RETURNING id, project_id, target, created_at, correlation_id, image_ref
      )
      SELECT c.id, c.project_id AS "projectId", p.slug, c.target::text AS target, c.created_at AS "createdAt",
        coalesce(c.correlation_id, c.id) AS "correlationId", c.image_ref AS "imageRef"
      FROM claimed c JOIN projects p ON p.id = c.project_id`);
    return row;
  }

  async woke(owner: string, app: { id: string; projectId: string }, upstreams: string[]): Promise<boolean> {
    const at = new Date();
    const moved = Prisma.sql`EXISTS (SELECT 1 FROM moved)`;
    const [result] = await this.outbox.query<{ applied: boolean }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET asleep_at = NULL, wake_owner = NULL, wake_lease_expires_at = NULL, last_request_at = ${at}, updated_at = ${at}
        WHERE id = ${app.id} AND status = 'READY' AND asleep_at IS NOT NULL AND wake_owner = ${owner}
        RETURNING id
      ), events AS (${outboxInsert(outboxRows([upstreamsEvent(app, upstreams, at)]), { when: moved })})
      SELECT ${moved} AS applied`);
    return result.applied;
  }

  async releaseWake(owner: string, deploymentId: string): Promise<void> {
    await this.prisma.query(Prisma.sql`UPDATE deployments SET wake_owner = NULL, wake_lease_expires_at = NULL WHERE id = ${deploymentId} AND wake_owner = ${owner}`);
  }

  async upstreamsChanged(app: { id: string; projectId: string }, upstreams: string[]): Promise<boolean> {
    const at = new Date();
    const current = Prisma.sql`EXISTS (SELECT 1 FROM deployments WHERE id = ${app.id} AND status = 'READY' AND asleep_at IS NULL)`;
    const [result] = await this.outbox.query<{ applied: boolean }>(Prisma.sql`
      WITH events AS (${outboxInsert(outboxRows([upstreamsEvent(app, upstreams, at)]), { when: current })})
      SELECT ${current} AS applied`);
    return result.applied;
  }

  async crashed(ctx: BuildContext, failure: { code: string; message: string }): Promise<boolean> {
    const message = failure.message.slice(0, MAX_MESSAGE);
    const [from] = lifecycle.sources('CRASHED', 'orchestrator');
    const at = new Date();
    const rows = outboxRows([
      lifecycleEvents.statusChanged(ctx, from, 'CRASHED', at, buildMeta(ctx), failure.code),
      lifecycleEvents.failed(ctx, 'CRASHED', { code: failure.code, message }, at),
    ]);
    const [result] = await this.outbox.query<{ applied: boolean }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET status = 'CRASHED', failure_code = ${failure.code}, failure_message = ${message}, updated_at = ${at}
        WHERE id = ${ctx.id} AND status = ${from}::"DeploymentStatus"
        RETURNING id
      ), events AS (${outboxInsert(rows, { when: Prisma.sql`EXISTS (SELECT 1 FROM moved)` })})
      SELECT EXISTS (SELECT 1 FROM moved) AS applied`);
    this.skipped(ctx, [from], result.applied);
    return result.applied;
  }

  async buildContext(deploymentId: string): Promise<BuildContext | undefined> {
    const [row] = await this.prisma.query<BuildContext>(Prisma.sql`
      SELECT d.id, d.project_id AS "projectId", p.slug, d.target::text AS target, d.created_at AS "createdAt", coalesce(d.correlation_id, d.id) AS "correlationId"
      FROM deployments d JOIN projects p ON p.id = d.project_id WHERE d.id = ${deploymentId}`);
    return row;
  }

  async finish(owner: string, ctx: BuildContext, to: FinalStatus, failure: { code: string; message: string; causationId?: string }): Promise<boolean> {
    const message = failure.message.slice(0, MAX_MESSAGE);
    const from = lifecycle.sources(to, 'orchestrator');
    const applied = await this.outbox.transaction(async (tx) => {
      const at = new Date();
      // Several possible previous statuses: the row is locked and read first to learn which (the event names it).
      const rows = await tx.$queryRaw<Array<{ status: DeploymentStatusName; owner: string | null }>>`
        SELECT status::text AS status, orchestrator_id AS owner FROM deployments WHERE id = ${ctx.id} FOR UPDATE`;
      const row = rows[0];
      if (!row || !from.includes(row.status)) return false;
      if (lifecycle.needsOwner(row.status) && row.owner !== owner) return false;
      await tx.deployment.updateMany({
        where: { id: ctx.id },
        data: { status: to, finishedAt: at, failureCode: failure.code, failureMessage: message, leaseExpiresAt: null },
      });
      const meta = buildMeta(ctx, failure.causationId);
      await this.outbox.addMany(tx, [
        lifecycleEvents.statusChanged(ctx, row.status, to, at, meta, failure.code),
        ...(to === 'CANCELED' ? [] : [lifecycleEvents.failed(ctx, to, { ...failure, message }, at)]),
      ]);
      return true;
    }, TRANSITION_TX);
    this.skipped(ctx, from, applied);
    return applied;
  }

  /** The runtimes detected by builds starting together, one statement per batch (every build records one). */
  private readonly runtimes = new Batcher<{ id: string; runtime: AppRuntimeName }, void>(async (items) => {
    await this.prisma.query(Prisma.sql`
      UPDATE deployments d SET runtime = i.runtime::"AppRuntime"
      FROM unnest(${items.map((i) => i.id)}::text[], ${items.map((i) => i.runtime)}::text[]) AS i(id, runtime)
      WHERE d.id = i.id`);
    return items.map(() => undefined);
  });

  recordRuntime(deploymentId: string, runtime: AppRuntimeName): Promise<void> {
    return this.runtimes.submit({ id: deploymentId, runtime });
  }

  /**
   * UPLOADING → STARTING in one statement: the row moves only if it is still UPLOADING and owned
   * by the caller, records its image and leaves the build's lease (the app runtime takes it from
   * here); its events are inserted with it.
   */
  async imageStored(owner: string, ctx: BuildContext, image: { imageRef: string; imageDigest: string }): Promise<boolean> {
    const at = new Date();
    const { from } = this.single('UPLOADING', 'STARTING');
    const rows = outboxRows([lifecycleEvents.statusChanged(ctx, from, 'STARTING', at, buildMeta(ctx)), lifecycleEvents.imageStored(ctx, image, at)]);
    const moved = Prisma.sql`EXISTS (SELECT 1 FROM moved)`;
    const [result] = await this.outbox.query<{ applied: boolean }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET status = 'STARTING', image_ref = ${image.imageRef}, image_digest = ${image.imageDigest},
          runtime = 'container', lease_expires_at = NULL, updated_at = ${at}
        WHERE id = ${ctx.id} AND status = ${from}::"DeploymentStatus" AND orchestrator_id = ${owner}
        RETURNING id
      ), events AS (${outboxInsert(rows, { when: moved })})
      SELECT ${moved} AS applied`);
    this.skipped(ctx, [from], result.applied);
    return result.applied;
  }

  /** A transition the lifecycle allows the orchestrator (the group commit and the one-statement transitions check one previous status). */
  private single(from: DeploymentStatusName, to: DeploymentStatusName): { from: DeploymentStatusName; to: DeploymentStatusName } {
    if (!lifecycle.allows(from, to, 'orchestrator')) throw new Error(`${from} → ${to} is not an orchestrator transition`);
    return { from, to };
  }

  private async commitBatched(ctx: BuildContext, transition: BatchedTransition): Promise<boolean> {
    const applied = await this.batched.submit(transition);
    this.skipped(ctx, [transition.from], applied);
    return applied;
  }

  /**
   * Group-committed transitions, in one statement: each row moves only if it is still in its
   * `from` status and owned by the caller (the UPDATE's own check), and the events of exactly the
   * rows that moved are inserted with it. A single statement is its own transaction, so a status
   * change and its events still commit together or not at all, and no connection is held between
   * round trips. Returns, per item, whether it applied.
   */
  private async writeBatch(items: BatchedTransition[]): Promise<boolean[]> {
    const events = items.flatMap((t) => t.events.map((e) => ({ owner: t.id, e })));
    const rows = outboxRows(events.map(({ e }) => e));
    const moved = await this.outbox.query<{ id: string }>(Prisma.sql`
      WITH input AS (
        SELECT * FROM unnest(${items.map((t) => t.id)}::text[], ${items.map((t) => t.from)}::text[], ${items.map((t) => t.to)}::text[],
                             ${items.map((t) => t.at)}::timestamptz[], ${items.map((t) => t.manifestKey)}::text[], ${items.map((t) => t.owner)}::text[])
          AS t(id, from_status, to_status, at, manifest_key, owner)
      ), moved AS (
        UPDATE deployments d SET
          status = i.to_status::"DeploymentStatus",
          uploading_at = CASE WHEN i.to_status = 'UPLOADING' THEN i.at ELSE d.uploading_at END,
          ready_at = CASE WHEN i.to_status = 'READY' THEN i.at ELSE d.ready_at END,
          finished_at = CASE WHEN i.to_status = 'READY' THEN i.at ELSE d.finished_at END,
          lease_expires_at = CASE WHEN i.to_status = 'READY' THEN NULL ELSE d.lease_expires_at END,
          artifact_manifest_key = COALESCE(i.manifest_key, d.artifact_manifest_key),
          updated_at = i.at
        FROM input i
        WHERE d.id = i.id AND d.status = i.from_status::"DeploymentStatus" AND d.orchestrator_id = i.owner
        RETURNING d.id
      ), events AS (${outboxInsert(rows, { owners: { ids: events.map(({ owner }) => owner), in: Prisma.sql`SELECT id FROM moved` } })})
      SELECT id FROM moved`);
    const applied = new Set(moved.map((m) => m.id));
    return items.map((t) => applied.has(t.id));
  }

  /**
   * A production build's UPLOADING → READY (or a server app's STARTING → READY, preview or
   * production) and its go-live, in one statement (its own transaction): the row moves only if it
   * is still in `previous` and owned by the caller; then, for production, the
   * alias moves here unless this deployment or a newer one is live there (aliasMoveCtes), and the
   * events of what happened are inserted with it; AliasMoved.v1 names the deployment it replaced.
   * When there was no alias row and a concurrent promote inserts one first, the insert does
   * nothing: the promote came last, and it stays live.
   */
  private async goLive(
    owner: string,
    ctx: BuildContext,
    previous: DeploymentStatusName,
    serve: { manifestKey?: string; upstreams?: string[] },
  ): Promise<{ aliasMoved: boolean; previousDeploymentId: string | null } | undefined> {
    const at = new Date();
    const { from } = this.single(previous, 'READY');
    const rows = outboxRows([
      lifecycleEvents.statusChanged(ctx, from, 'READY', at, buildMeta(ctx)),
      lifecycleEvents.ready(ctx, serve, at),
      lifecycleEvents.aliasMoved({ id: ctx.projectId, slug: ctx.slug }, ctx.id, at, ctx.correlationId),
    ]);
    const moved = Prisma.sql`EXISTS (SELECT 1 FROM moved)`;
    // A preview goes live at its own host only: the alias CTEs are gated off.
    const gate = ctx.target === 'PRODUCTION' ? moved : Prisma.sql`FALSE`;
    const [result] = await this.outbox.query<{ applied: boolean; aliasMoved: boolean; previous: string | null }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET status = 'READY', ready_at = ${at}, finished_at = ${at},
          artifact_manifest_key = coalesce(${serve.manifestKey ?? null}, artifact_manifest_key), lease_expires_at = NULL, updated_at = ${at}
        WHERE id = ${ctx.id} AND status = ${from}::"DeploymentStatus" ${lifecycle.needsOwner(from) ? Prisma.sql`AND orchestrator_id = ${owner}` : Prisma.empty}
        RETURNING id
      ), ${aliasMoveCtes({ projectId: ctx.projectId, deploymentId: ctx.id, at, gate, newerOnly: { createdAt: ctx.createdAt }, event: sliceOutboxRows(rows, 2) })},
      events AS (${outboxInsert(sliceOutboxRows(rows, 0, 2), { when: moved })})
      SELECT ${moved} AS applied, EXISTS (SELECT 1 FROM alias) AS "aliasMoved", (SELECT previous FROM alias LIMIT 1) AS previous`);
    this.skipped(ctx, [from], result.applied);
    return result.applied ? { aliasMoved: result.aliasMoved, previousDeploymentId: result.previous } : undefined;
  }

  private skipped(ctx: BuildContext, from: DeploymentStatusName[], applied: boolean): void {
    if (!applied) this.logger.warn({ deploymentId: ctx.id, expected: from }, 'transition skipped: the deployment changed status or owner meanwhile');
  }
}

/** The QUEUED row as it is stored (the database adds nothing to it) and its DeploymentRequested. */
function prepare(request: DeploymentRequest): { row: Deployment; requested: OutboxEvent } {
  const now = new Date();
  const row: Deployment = {
    id: request.id ?? newId('dpl'),
    projectId: request.projectId,
    status: 'QUEUED',
    target: request.target,
    source: request.source,
    gitRef: request.gitRef ?? null,
    commitSha: request.commitSha ?? null,
    commitMessage: request.commitMessage ?? null,
    sourceKey: request.sourceKey ?? null,
    artifactManifestKey: null,
    runtime: null,
    imageRef: null,
    imageDigest: null,
    runnerRef: null,
    orchestratorId: null,
    leaseExpiresAt: null,
    failureCode: null,
    failureMessage: null,
    createdByTokenId: request.createdByTokenId ?? null,
    correlationId: request.correlationId,
    createdAt: now,
    buildingAt: null,
    uploadingAt: null,
    readyAt: null,
    cancelRequestedAt: null,
    finishedAt: null,
    leftProductionAt: null,
    promotionRequestedAt: null,
    promotionCorrelationId: null,
    promotionOwner: null,
    promotionLeaseExpiresAt: null,
    promotionFailureCode: null,
    promotionFailureMessage: null,
    lastRequestAt: null,
    asleepAt: null,
    wakeOwner: null,
    wakeLeaseExpiresAt: null,
    updatedAt: now,
  };
  return { row, requested: lifecycleEvents.requested({ ...request, id: row.id, gitRef: row.gitRef, commitSha: row.commitSha }, now) };
}

/** A live container deployment's complete set of instances changed (woken, asleep: [], an instance replaced). */
function upstreamsEvent(app: { id: string; projectId: string }, upstreams: string[], at: Date, correlationId?: string): OutboxEvent {
  return event(DeploymentUpstreamsChangedV1, { deploymentId: app.id, projectId: app.projectId, upstreams, changedAt: at.toISOString() }, { key: app.id, correlationId: correlationId ?? app.id });
}
