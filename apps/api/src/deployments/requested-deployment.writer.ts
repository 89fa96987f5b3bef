import { Injectable } from '@nestjs/common';
import { newId } from '@deploysphere/common';
import { DeploymentRequestedV1, type DeploymentTargetName } from '@deploysphere/contracts';
import type { Deployment, PrismaTx } from '@deploysphere/database';
import { OutboxWriter } from '@deploysphere/messaging';

export interface DeploymentRequest {
  /** Preassigned when something is stored under the id before the row exists (an upload's archive). */
  id?: string;
  projectId: string;
  teamId: string;
  target: DeploymentTargetName;
  source: 'GIT' | 'UPLOAD';
  gitRef?: string | null;
  commitSha?: string | null;
  commitMessage?: string | null;
  sourceKey?: string | null;
  /** The API token behind the request; null for a webhook. */
  createdByTokenId?: string | null;
  correlationId: string;
}

/**
 * The one way a deployment comes to exist: the QUEUED row and its DeploymentRequested event,
 * written inside the caller's transaction so that either both exist or neither does. Shared by
 * every use case that requests a deployment (JSON request, upload, git webhook); each checks its
 * own preconditions first.
 */
@Injectable()
export class RequestedDeploymentWriter {
  constructor(private readonly outbox: OutboxWriter) {}

  async write(tx: PrismaTx, request: DeploymentRequest): Promise<Deployment> {
    const row = await tx.deployment.create({
      data: {
        id: request.id ?? newId('dpl'),
        projectId: request.projectId,
        target: request.target,
        source: request.source,
        gitRef: request.gitRef ?? undefined,
        commitSha: request.commitSha ?? undefined,
        commitMessage: request.commitMessage ?? undefined,
        sourceKey: request.sourceKey ?? undefined,
        createdByTokenId: request.createdByTokenId ?? undefined,
        correlationId: request.correlationId,
      },
    });
    await this.outbox.add(
      tx,
      DeploymentRequestedV1,
      {
        deploymentId: row.id,
        projectId: row.projectId,
        teamId: request.teamId,
        target: request.target,
        source: request.source,
        gitRef: row.gitRef ?? undefined,
        commitSha: row.commitSha ?? undefined,
        requestedAt: row.createdAt.toISOString(),
      },
      { key: row.id, correlationId: request.correlationId },
    );
    return row;
  }
}
