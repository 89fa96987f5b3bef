import {
  AliasMovedV1,
  BuildSucceededV1,
  DeploymentFailedV1,
  DeploymentImageStoredV1,
  DeploymentReadyV1,
  DeploymentRequestedV1,
  DeploymentStatusChangedV1,
  type DeploymentStatusName,
} from '@deploysphere/contracts';
import { event, type EventMeta, type OutboxEvent } from '@deploysphere/messaging';
import type { BuildContext, DeploymentRequest } from '../deployment.repository.port';

/** The events of the lifecycle's transitions (deployment-lifecycle.ts says which go with which). */
export const lifecycleEvents = {
  requested(request: DeploymentRequest & { id: string; gitRef: string | null; commitSha: string | null }, at: Date): OutboxEvent {
    return event(
      DeploymentRequestedV1,
      {
        deploymentId: request.id,
        projectId: request.projectId,
        teamId: request.teamId,
        target: request.target,
        source: request.source,
        gitRef: request.gitRef ?? undefined,
        commitSha: request.commitSha ?? undefined,
        requestedAt: at.toISOString(),
      },
      { key: request.id, correlationId: request.correlationId },
    );
  },

  statusChanged(
    d: { id: string; projectId: string },
    from: DeploymentStatusName,
    to: DeploymentStatusName,
    at: Date,
    meta: { correlationId: string; causationId?: string },
    failureCode?: string,
  ): OutboxEvent {
    return event(DeploymentStatusChangedV1, { deploymentId: d.id, projectId: d.projectId, from, to, failureCode, at: at.toISOString() }, { key: d.id, ...meta });
  },

  buildSucceeded(ctx: BuildContext, build: { runner: string; durationMs: number; framework?: string }, at: Date): OutboxEvent {
    return event(
      BuildSucceededV1,
      { deploymentId: ctx.id, projectId: ctx.projectId, runner: build.runner, durationMs: Math.round(build.durationMs), framework: build.framework, at: at.toISOString() },
      buildMeta(ctx),
    );
  },

  /** A static output names its manifest, a server app its instances. */
  ready(ctx: BuildContext, serve: string | { manifestKey?: string; upstreams?: string[] }, at: Date): OutboxEvent {
    const { manifestKey, upstreams } = typeof serve === 'string' ? { manifestKey: serve, upstreams: undefined } : serve;
    return event(
      DeploymentReadyV1,
      { deploymentId: ctx.id, projectId: ctx.projectId, slug: ctx.slug, target: ctx.target, manifestKey, upstreams, readyAt: at.toISOString() },
      buildMeta(ctx),
    );
  },

  imageStored(ctx: BuildContext, image: { imageRef: string; imageDigest: string }, at: Date): OutboxEvent {
    return event(
      DeploymentImageStoredV1,
      { deploymentId: ctx.id, projectId: ctx.projectId, target: ctx.target, imageRef: image.imageRef, imageDigest: image.imageDigest, at: at.toISOString() },
      buildMeta(ctx),
    );
  },

  failed(ctx: BuildContext, status: 'FAILED' | 'TIMED_OUT' | 'CRASHED', failure: { code: string; message: string; causationId?: string }, at: Date): OutboxEvent {
    return event(
      DeploymentFailedV1,
      { deploymentId: ctx.id, projectId: ctx.projectId, status, failureCode: failure.code, failureMessage: failure.message, at: at.toISOString() },
      buildMeta(ctx, failure.causationId),
    );
  },

  /** previousDeploymentId is filled in by the statement that moves the alias (only it knows). */
  aliasMoved(project: { id: string; slug: string }, deploymentId: string, at: Date, correlationId: string): OutboxEvent {
    return event(AliasMovedV1, { projectId: project.id, slug: project.slug, deploymentId, movedAt: at.toISOString() }, { key: project.id, correlationId });
  },
};

export function buildMeta(ctx: BuildContext, causationId?: string): EventMeta {
  return { key: ctx.id, correlationId: ctx.correlationId, causationId };
}
