import { Inject, Injectable, Logger } from '@nestjs/common';
import { buildsConfig, type ConfigType } from '@deploysphere/config';
import {
  AliasMovedV1,
  BuildSucceededV1,
  DeploymentFailedV1,
  DeploymentReadyV1,
  DeploymentStatusChangedV1,
  type DeploymentStatusName,
} from '@deploysphere/contracts';
import { Batcher } from '@deploysphere/common';
import { Prisma, PrismaService, type PrismaTx } from '@deploysphere/database';
import { event, OutboxRelay, OutboxWriter, outboxRows, type OutboxEvent } from '@deploysphere/messaging';
import { TRANSITION_TX } from '../orchestrator.constants';

/** What every transition of one build needs to know and to put in its events. */
export interface BuildContext {
  id: string;
  projectId: string;
  slug: string;
  target: 'PREVIEW' | 'PRODUCTION';
  createdAt: Date;
  correlationId: string;
}

export type FinalStatus = 'FAILED' | 'TIMED_OUT' | 'CANCELED';

const MAX_MESSAGE = 2000;

/** A transition the group commit writes: one owned row, one possible previous status. */
interface BatchedTransition {
  id: string;
  from: 'BUILDING' | 'UPLOADING';
  to: 'UPLOADING' | 'READY';
  at: Date;
  manifestKey: string | null;
  events: OutboxEvent[];
}

/**
 * The lifecycle's writes. Each transition locks the row, checks that it is still in the
 * expected status and still owned by this orchestrator instance, then changes it and writes its
 * events to the outbox in the same transaction: a status change and its events commit together
 * or not at all, and an instance that lost a build (canceled, taken over after its lease
 * expired) cannot overwrite what the new owner did. Every change is also a
 * DeploymentStatusChanged.v1. A transition that does not apply returns false. The transitions of
 * a successful preview build, and runner refs, are batched across concurrent builds (Batcher):
 * with hundreds of builds at once they were most of the orchestrator's statements.
 */
@Injectable()
export class DeploymentTransitions {
  private readonly logger = new Logger('DeploymentLifecycle');

  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    @Inject(buildsConfig.KEY) private readonly cfg: ConfigType<typeof buildsConfig>,
  ) {}

  /**
   * The two transitions every successful build makes (BUILDING → UPLOADING, and UPLOADING → READY
   * for a preview) are group-committed: those of concurrent builds go to the database together,
   * one statement per batch (see writeBatch), which is most of the orchestrator's database work.
   */
  private readonly batched = new Batcher<BatchedTransition, boolean>((items) => this.writeBatch(items));

  /** Runner refs of concurrently started builds, likewise in one UPDATE per batch. */
  private readonly runnerRefs = new Batcher<{ id: string; runnerRef: string }, boolean>(async (items) => {
    const updated = await this.prisma.query<{ id: string }>(Prisma.sql`
      UPDATE deployments d SET runner_ref = i.runner_ref, updated_at = now()
      FROM unnest(${items.map((i) => i.id)}::text[], ${items.map((i) => i.runnerRef)}::text[]) AS i(id, runner_ref)
      WHERE d.id = i.id AND d.orchestrator_id = ${this.cfg.instanceId} AND d.status IN ('BUILDING', 'UPLOADING')
      RETURNING d.id`);
    const ids = new Set(updated.map((u) => u.id));
    return items.map((i) => ids.has(i.id));
  });

  /** Records where the build runs (container id / task ARN) so a restarted orchestrator finds it. */
  async setRunnerRef(ctx: BuildContext, runnerRef: string): Promise<boolean> {
    return this.runnerRefs.submit({ id: ctx.id, runnerRef });
  }

  /** BUILDING → UPLOADING, with BuildSucceeded.v1. */
  async buildSucceeded(ctx: BuildContext, build: { runner: string; durationMs: number; framework?: string }): Promise<boolean> {
    const at = new Date();
    return this.commitBatched(ctx, {
      id: ctx.id,
      from: 'BUILDING',
      to: 'UPLOADING',
      at,
      manifestKey: null,
      events: [
        this.statusChanged(ctx, 'BUILDING', 'UPLOADING', at),
        event(
          BuildSucceededV1,
          { deploymentId: ctx.id, projectId: ctx.projectId, runner: build.runner, durationMs: Math.round(build.durationMs), framework: build.framework, at: at.toISOString() },
          this.meta(ctx),
        ),
      ],
    });
  }

  /**
   * UPLOADING → READY with DeploymentReady.v1; for production also moves the project's alias in
   * the same transaction (AliasMoved.v1), unless a newer deployment is already live there.
   * Returns whether the alias moved (undefined when the transition did not apply).
   */
  async ready(ctx: BuildContext, manifestKey: string): Promise<{ aliasMoved: boolean } | undefined> {
    if (ctx.target === 'PREVIEW') {
      const at = new Date();
      const events = [
        this.statusChanged(ctx, 'UPLOADING', 'READY', at),
        event(DeploymentReadyV1, { deploymentId: ctx.id, projectId: ctx.projectId, slug: ctx.slug, target: ctx.target, manifestKey, readyAt: at.toISOString() }, this.meta(ctx)),
      ];
      return (await this.commitBatched(ctx, { id: ctx.id, from: 'UPLOADING', to: 'READY', at, manifestKey, events })) ? { aliasMoved: false } : undefined;
    }
    return this.readyProduction(ctx, manifestKey);
  }

  /** BUILDING/UPLOADING (or QUEUED, for a deployment that never started) → FAILED | TIMED_OUT | CANCELED. */
  async finish(ctx: BuildContext, to: FinalStatus, failureCode: string, failureMessage: string, causationId?: string): Promise<boolean> {
    const message = failureMessage.slice(0, MAX_MESSAGE);
    return this.transition(
      ctx,
      ['QUEUED', 'BUILDING', 'UPLOADING'],
      (at) => ({ status: to, finishedAt: at, failureCode, failureMessage: message, leaseExpiresAt: null }),
      async (_tx, from, at) => [
        this.statusChanged(ctx, from, to, at, failureCode, causationId),
        ...(to === 'CANCELED'
          ? []
          : [
              event(
                DeploymentFailedV1,
                { deploymentId: ctx.id, projectId: ctx.projectId, status: to, failureCode, failureMessage: message, at: at.toISOString() },
                this.meta(ctx, causationId),
              ),
            ]),
      ],
    );
  }

  private async commitBatched(ctx: BuildContext, transition: BatchedTransition): Promise<boolean> {
    const applied = await this.batched.submit(transition);
    this.afterTransition(ctx, [transition.from], applied);
    return applied;
  }

  /**
   * Group-committed transitions, in one statement: each row moves only if it is still in its
   * `from` status and owned by this instance (the UPDATE's own check, as in transition()), and
   * the events of exactly the rows that moved are inserted with it. A single statement is its own
   * transaction, so a status change and its events still commit together or not at all, and no
   * connection is held between round trips. Returns, per item, whether it applied.
   */
  private async writeBatch(items: BatchedTransition[]): Promise<boolean[]> {
    const events = items.flatMap((t) => t.events.map((e) => ({ owner: t.id, e })));
    const rows = outboxRows(events.map(({ e }) => e));
    const moved = await this.prisma.query<{ id: string }>(Prisma.sql`
      WITH input AS (
        SELECT * FROM unnest(${items.map((t) => t.id)}::text[], ${items.map((t) => t.from)}::text[], ${items.map((t) => t.to)}::text[],
                             ${items.map((t) => t.at)}::timestamptz[], ${items.map((t) => t.manifestKey)}::text[])
          AS t(id, from_status, to_status, at, manifest_key)
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
        WHERE d.id = i.id AND d.status = i.from_status::"DeploymentStatus" AND d.orchestrator_id = ${this.cfg.instanceId}
        RETURNING d.id
      ), events AS (
        INSERT INTO outbox_messages (id, topic, key, type, payload)
        SELECT e.id, e.topic, e.key, e.type, e.payload
        FROM unnest(${rows.ids}::text[], ${rows.topics}::text[], ${rows.keys}::text[], ${rows.types}::text[], ${rows.payloads}::jsonb[],
                    ${events.map(({ owner }) => owner)}::text[]) AS e(id, topic, key, type, payload, owner)
        WHERE e.owner IN (SELECT id FROM moved)
      )
      SELECT id FROM moved`);
    const applied = new Set(moved.map((m) => m.id));
    return items.map((t) => applied.has(t.id));
  }

  private afterTransition(ctx: BuildContext, from: DeploymentStatusName[], applied: boolean): void {
    if (applied) this.relay.nudge();
    else this.logger.warn({ deploymentId: ctx.id, expected: from }, 'transition skipped: the deployment changed status or owner meanwhile');
  }

  /**
   * One status change, in one transaction: the row moves only if it is still in one of `from`
   * and (unless QUEUED) still owned by this instance; then its events go to the outbox in one
   * insert. With a single possible `from` the conditional UPDATE is the check (it locks the row
   * and re-reads it after any concurrent change, so a lost race updates nothing); with several,
   * the row is locked and read first to learn which one it is (the event names it).
   */
  private async transition(
    ctx: BuildContext,
    from: DeploymentStatusName[],
    change: (at: Date) => Prisma.DeploymentUpdateManyMutationInput,
    events: (tx: PrismaTx, from: DeploymentStatusName, at: Date) => Promise<OutboxEvent[]>,
  ): Promise<boolean> {
    const applied = await this.prisma.$transaction(async (tx) => {
      const at = new Date();
      let previous: DeploymentStatusName;
      if (from.length === 1) {
        [previous] = from;
        const owner = previous === 'QUEUED' ? {} : { orchestratorId: this.cfg.instanceId };
        const { count } = await tx.deployment.updateMany({ where: { id: ctx.id, status: previous, ...owner }, data: change(at) });
        if (count === 0) return false;
      } else {
        const rows = await tx.$queryRaw<Array<{ status: DeploymentStatusName; owner: string | null }>>`
          SELECT status::text AS status, orchestrator_id AS owner FROM deployments WHERE id = ${ctx.id} FOR UPDATE`;
        const row = rows[0];
        if (!row || !from.includes(row.status)) return false;
        if (row.status !== 'QUEUED' && row.owner !== this.cfg.instanceId) return false;
        previous = row.status;
        await tx.deployment.updateMany({ where: { id: ctx.id }, data: change(at) });
      }
      await this.outbox.addMany(tx, await events(tx, previous, at));
      return true;
    }, TRANSITION_TX);
    this.afterTransition(ctx, from, applied);
    return applied;
  }

  /**
   * A production build's UPLOADING → READY and its go-live, in one statement (its own
   * transaction): the row moves only if it is still UPLOADING and owned by this instance; then the
   * project's alias row is locked (a concurrent promote or rollback waits for this, or this for
   * it) and moved here unless this deployment or a newer one is live there, and the events of
   * what happened are inserted with it; AliasMoved.v1 names the deployment it replaced.
   *
   * The live deployment's created_at is read by a subquery of the locked row, not a join: when a
   * promote moved the alias while this waited for the lock, the locked row is re-read at its new
   * version, but a joined row would be the old one. A live deployment this statement cannot see
   * (created after it began) counts as newer. When there was no alias row and a concurrent promote
   * inserts one first, the insert does nothing: the promote came last, and it stays live.
   */
  private async readyProduction(ctx: BuildContext, manifestKey: string): Promise<{ aliasMoved: boolean } | undefined> {
    const at = new Date();
    const rows = outboxRows([
      this.statusChanged(ctx, 'UPLOADING', 'READY', at),
      event(DeploymentReadyV1, { deploymentId: ctx.id, projectId: ctx.projectId, slug: ctx.slug, target: ctx.target, manifestKey, readyAt: at.toISOString() }, this.meta(ctx)),
      event(AliasMovedV1, { projectId: ctx.projectId, slug: ctx.slug, deploymentId: ctx.id, movedAt: at.toISOString() }, { key: ctx.projectId, correlationId: ctx.correlationId }),
    ]);
    const [result] = await this.prisma.query<{ applied: boolean; aliasMoved: boolean }>(Prisma.sql`
      WITH moved AS (
        UPDATE deployments SET status = 'READY', ready_at = ${at}, finished_at = ${at}, artifact_manifest_key = ${manifestKey},
          lease_expires_at = NULL, updated_at = ${at}
        WHERE id = ${ctx.id} AND status = 'UPLOADING' AND orchestrator_id = ${this.cfg.instanceId}
        RETURNING id
      ), live AS (
        SELECT a.project_id, a.deployment_id, (SELECT d.created_at FROM deployments d WHERE d.id = a.deployment_id) AS created_at
        FROM project_aliases a WHERE a.project_id = ${ctx.projectId} AND EXISTS (SELECT 1 FROM moved)
        FOR UPDATE OF a
      ), updated AS (
        UPDATE project_aliases a SET deployment_id = ${ctx.id}, updated_at = ${at}
        FROM live l
        WHERE a.project_id = l.project_id AND l.deployment_id <> ${ctx.id} AND coalesce(l.created_at <= ${ctx.createdAt}::timestamptz, false)
        RETURNING l.deployment_id AS previous
      ), inserted AS (
        INSERT INTO project_aliases (project_id, deployment_id, updated_at)
        SELECT ${ctx.projectId}, ${ctx.id}, ${at}::timestamptz FROM moved WHERE NOT EXISTS (SELECT 1 FROM live)
        ON CONFLICT (project_id) DO NOTHING
        RETURNING NULL::text AS previous
      ), alias AS (
        SELECT previous FROM updated UNION ALL SELECT previous FROM inserted
      ), events AS (
        INSERT INTO outbox_messages (id, topic, key, type, payload)
        SELECT e.id, e.topic, e.key, e.type, e.payload
        FROM unnest(${rows.ids.slice(0, 2)}::text[], ${rows.topics.slice(0, 2)}::text[], ${rows.keys.slice(0, 2)}::text[],
                    ${rows.types.slice(0, 2)}::text[], ${rows.payloads.slice(0, 2)}::jsonb[]) AS e(id, topic, key, type, payload)
        WHERE EXISTS (SELECT 1 FROM moved)
        UNION ALL
        SELECT ${rows.ids[2]}, ${rows.topics[2]}, ${rows.keys[2]}, ${rows.types[2]},
          CASE WHEN al.previous IS NULL THEN ${rows.payloads[2]}::jsonb
               ELSE jsonb_set(${rows.payloads[2]}::jsonb, '{payload,previousDeploymentId}', to_jsonb(al.previous)) END
        FROM alias al
      )
      SELECT EXISTS (SELECT 1 FROM moved) AS applied, EXISTS (SELECT 1 FROM alias) AS "aliasMoved"`);
    this.afterTransition(ctx, ['UPLOADING'], result.applied);
    return result.applied ? { aliasMoved: result.aliasMoved } : undefined;
  }

  private statusChanged(ctx: BuildContext, from: DeploymentStatusName, to: DeploymentStatusName, at: Date, failureCode?: string, causationId?: string): OutboxEvent {
    return event(
      DeploymentStatusChangedV1,
      { deploymentId: ctx.id, projectId: ctx.projectId, from, to, failureCode, at: at.toISOString() },
      this.meta(ctx, causationId),
    );
  }

  private meta(ctx: BuildContext, causationId?: string) {
    return { key: ctx.id, correlationId: ctx.correlationId, causationId };
  }
}
