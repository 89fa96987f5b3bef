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
import { PrismaService, type PrismaTx } from '@deploysphere/database';
import { OutboxRelay, OutboxWriter } from '@deploysphere/messaging';

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

/**
 * The lifecycle's writes. Each transition locks the row, checks that it is still in the
 * expected status and still owned by this orchestrator instance, then changes it and writes its
 * events to the outbox in the same transaction: a status change and its events commit together
 * or not at all, and an instance that lost a build (canceled, taken over after its lease
 * expired) cannot overwrite what the new owner did. Every change is also a
 * DeploymentStatusChanged.v1. A transition that does not apply returns false.
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

  /** Records where the build runs (container id / task ARN) so a restarted orchestrator finds it. */
  async setRunnerRef(ctx: BuildContext, runnerRef: string): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE deployments SET runner_ref = ${runnerRef}, updated_at = now()
      WHERE id = ${ctx.id} AND orchestrator_id = ${this.cfg.instanceId} AND status IN ('BUILDING', 'UPLOADING')`;
    return n === 1;
  }

  /** BUILDING → UPLOADING, with BuildSucceeded.v1. */
  async buildSucceeded(ctx: BuildContext, build: { runner: string; durationMs: number; framework?: string }): Promise<boolean> {
    return this.transition(ctx, ['BUILDING'], async (tx, from, at) => {
      await tx.deployment.update({ where: { id: ctx.id }, data: { status: 'UPLOADING', uploadingAt: at } });
      await this.statusChanged(tx, ctx, from, 'UPLOADING', at);
      await this.outbox.add(
        tx,
        BuildSucceededV1,
        { deploymentId: ctx.id, projectId: ctx.projectId, runner: build.runner, durationMs: Math.round(build.durationMs), framework: build.framework, at: at.toISOString() },
        this.meta(ctx),
      );
    });
  }

  /**
   * UPLOADING → READY with DeploymentReady.v1; for production also moves the project's alias in
   * the same transaction (AliasMoved.v1), unless a newer deployment is already live there.
   * Returns whether the alias moved (undefined when the transition did not apply).
   */
  async ready(ctx: BuildContext, manifestKey: string): Promise<{ aliasMoved: boolean } | undefined> {
    let aliasMoved = false;
    const applied = await this.transition(ctx, ['UPLOADING'], async (tx, from, at) => {
      await tx.deployment.update({ where: { id: ctx.id }, data: { status: 'READY', readyAt: at, finishedAt: at, artifactManifestKey: manifestKey, leaseExpiresAt: null } });
      await this.statusChanged(tx, ctx, from, 'READY', at);
      await this.outbox.add(
        tx,
        DeploymentReadyV1,
        { deploymentId: ctx.id, projectId: ctx.projectId, slug: ctx.slug, target: ctx.target, manifestKey, readyAt: at.toISOString() },
        this.meta(ctx),
      );
      if (ctx.target === 'PRODUCTION') aliasMoved = await this.moveAlias(tx, ctx, at);
    });
    return applied ? { aliasMoved } : undefined;
  }

  /** BUILDING/UPLOADING (or QUEUED, for a deployment that never started) → FAILED | TIMED_OUT | CANCELED. */
  async finish(ctx: BuildContext, to: FinalStatus, failureCode: string, failureMessage: string, causationId?: string): Promise<boolean> {
    const message = failureMessage.slice(0, MAX_MESSAGE);
    return this.transition(ctx, ['QUEUED', 'BUILDING', 'UPLOADING'], async (tx, from, at) => {
      await tx.deployment.update({ where: { id: ctx.id }, data: { status: to, finishedAt: at, failureCode, failureMessage: message, leaseExpiresAt: null } });
      await this.statusChanged(tx, ctx, from, to, at, failureCode, causationId);
      if (to !== 'CANCELED') {
        await this.outbox.add(
          tx,
          DeploymentFailedV1,
          { deploymentId: ctx.id, projectId: ctx.projectId, status: to, failureCode, failureMessage: message, at: at.toISOString() },
          this.meta(ctx, causationId),
        );
      }
    });
  }

  private async transition(
    ctx: BuildContext,
    from: DeploymentStatusName[],
    apply: (tx: PrismaTx, from: DeploymentStatusName, at: Date) => Promise<void>,
  ): Promise<boolean> {
    const applied = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ status: DeploymentStatusName; owner: string | null }>>`
        SELECT status::text AS status, orchestrator_id AS owner FROM deployments WHERE id = ${ctx.id} FOR UPDATE`;
      const row = rows[0];
      if (!row || !from.includes(row.status)) return false;
      if (row.status !== 'QUEUED' && row.owner !== this.cfg.instanceId) return false;
      await apply(tx, row.status, new Date());
      return true;
    });
    if (applied) this.relay.nudge();
    else this.logger.warn({ deploymentId: ctx.id, expected: from }, 'transition skipped: the deployment changed status or owner meanwhile');
    return applied;
  }

  private async moveAlias(tx: PrismaTx, ctx: BuildContext, at: Date): Promise<boolean> {
    const current = await tx.$queryRaw<Array<{ deploymentId: string; createdAt: Date }>>`
      SELECT a.deployment_id AS "deploymentId", d.created_at AS "createdAt"
      FROM project_aliases a JOIN deployments d ON d.id = a.deployment_id
      WHERE a.project_id = ${ctx.projectId} FOR UPDATE OF a`;
    const previous = current[0];
    // A newer production deployment already live (promoted, or built by an older scheduler) stays live.
    if (previous && (previous.deploymentId === ctx.id || previous.createdAt.getTime() > ctx.createdAt.getTime())) return false;
    await tx.projectAlias.upsert({
      where: { projectId: ctx.projectId },
      create: { projectId: ctx.projectId, deploymentId: ctx.id },
      update: { deploymentId: ctx.id },
    });
    await this.outbox.add(
      tx,
      AliasMovedV1,
      { projectId: ctx.projectId, slug: ctx.slug, deploymentId: ctx.id, previousDeploymentId: previous?.deploymentId, movedAt: at.toISOString() },
      { key: ctx.projectId, correlationId: ctx.correlationId },
    );
    return true;
  }

  private statusChanged(tx: PrismaTx, ctx: BuildContext, from: DeploymentStatusName, to: DeploymentStatusName, at: Date, failureCode?: string, causationId?: string) {
    return this.outbox.add(
      tx,
      DeploymentStatusChangedV1,
      { deploymentId: ctx.id, projectId: ctx.projectId, from, to, failureCode, at: at.toISOString() },
      this.meta(ctx, causationId),
    );
  }

  private meta(ctx: BuildContext, causationId?: string) {
    return { key: ctx.id, correlationId: ctx.correlationId, causationId };
  }
}
