import { Injectable } from '@nestjs/common';
import { newId } from '@deploysphere/common';
import { DeploymentRequestedV1, type DeploymentTargetName } from '@deploysphere/contracts';
import { Prisma, type Deployment, type PrismaService, type PrismaTx } from '@deploysphere/database';
import { event, OutboxWriter, outboxRows, type OutboxEvent } from '@deploysphere/messaging';

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
 * written together so that either both exist or neither does. Shared by every use case that
 * requests a deployment (JSON request, upload, git webhook); each checks its own preconditions
 * first.
 */
@Injectable()
export class RequestedDeploymentWriter {
  constructor(private readonly outbox: OutboxWriter) {}

  /** Inside the caller's transaction (which made its own checks). */
  async write(tx: PrismaTx, request: DeploymentRequest): Promise<Deployment> {
    const { row, requested } = prepare(request);
    const { status, target, source, gitRef, commitSha, commitMessage, sourceKey, createdByTokenId, correlationId, createdAt, updatedAt } = row;
    await tx.deployment.create({
      data: { id: row.id, projectId: row.projectId, status, target, source, gitRef, commitSha, commitMessage, sourceKey, createdByTokenId, correlationId, createdAt, updatedAt },
    });
    await this.outbox.addMany(tx, [requested]);
    return row;
  }

  /**
   * When the only precondition is that the project is still the team's (an upload): the check,
   * the row and its event in one statement, no interactive transaction (most of an upload's
   * database cost was its five round trips). Undefined, with nothing written, when the project is
   * gone or not the team's.
   */
  async writeIfProjectVisible(prisma: PrismaService, request: DeploymentRequest): Promise<Deployment | undefined> {
    const { row, requested } = prepare(request);
    const e = outboxRows([requested]);
    const [written] = await prisma.query<{ id: string }>(Prisma.sql`
      WITH project AS (
        SELECT id FROM projects WHERE id = ${request.projectId} AND team_id = ${request.teamId}
      ), d AS (
        INSERT INTO deployments (id, project_id, status, target, source, git_ref, commit_sha, commit_message, source_key,
                                 created_by_token_id, correlation_id, created_at, updated_at)
        SELECT ${row.id}, project.id, 'QUEUED', ${row.target}::"DeploymentTarget", ${row.source}::"DeploymentSource", ${row.gitRef}, ${row.commitSha},
               ${row.commitMessage}, ${row.sourceKey}, ${row.createdByTokenId}, ${row.correlationId}, ${row.createdAt}::timestamptz, ${row.updatedAt}::timestamptz
        FROM project
        RETURNING id
      ), events AS (
        INSERT INTO outbox_messages (id, topic, key, type, payload)
        SELECT ${e.ids[0]}, ${e.topics[0]}, ${e.keys[0]}, ${e.types[0]}, ${e.payloads[0]}::jsonb FROM d
      )
      SELECT id FROM d`);
    return written ? row : undefined;
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
    updatedAt: now,
  };
  const requested = event(
    DeploymentRequestedV1,
    {
      deploymentId: row.id,
      projectId: row.projectId,
      teamId: request.teamId,
      target: request.target,
      source: request.source,
      gitRef: row.gitRef ?? undefined,
      commitSha: row.commitSha ?? undefined,
      requestedAt: now.toISOString(),
    },
    { key: row.id, correlationId: request.correlationId },
  );
  return { row, requested };
}
