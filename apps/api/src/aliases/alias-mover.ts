import { Injectable } from '@nestjs/common';
import { ConflictError } from '@deploysphere/common';
import { AliasMovedV1 } from '@deploysphere/contracts';
import type { PrismaTx } from '@deploysphere/database';
import { OutboxWriter } from '@deploysphere/messaging';
import type { AliasDto } from './alias.response.dto';

/**
 * Points a project's production alias at a READY deployment, inside the caller's transaction,
 * with the AliasMoved event the edge routers apply. The alias row is locked, so a concurrent
 * go-live or rollback waits instead of interleaving.
 */
@Injectable()
export class AliasMover {
  constructor(private readonly outbox: OutboxWriter) {}

  async move(
    tx: PrismaTx,
    project: { id: string; slug: string },
    deployment: { id: string; status: string },
    correlationId: string,
  ): Promise<AliasDto> {
    if (deployment.status !== 'READY') {
      throw new ConflictError('DEPLOYMENT_NOT_READY', `Only a READY deployment can go live; this one is ${deployment.status}`, {
        currentStatus: deployment.status,
      });
    }
    const current = await tx.$queryRaw<Array<{ deploymentId: string }>>`
      SELECT deployment_id AS "deploymentId" FROM project_aliases WHERE project_id = ${project.id} FOR UPDATE`;
    const previous = current[0]?.deploymentId ?? null;
    const movedAt = new Date();
    if (previous !== deployment.id) {
      await tx.projectAlias.upsert({
        where: { projectId: project.id },
        create: { projectId: project.id, deploymentId: deployment.id },
        update: { deploymentId: deployment.id },
      });
      await this.outbox.add(
        tx,
        AliasMovedV1,
        { projectId: project.id, slug: project.slug, deploymentId: deployment.id, previousDeploymentId: previous ?? undefined, movedAt: movedAt.toISOString() },
        { key: project.id, correlationId },
      );
    }
    return { projectId: project.id, deploymentId: deployment.id, previousDeploymentId: previous, movedAt: movedAt.toISOString() };
  }
}
