import { ProjectRoutingChangedV1 } from '@deploysphere/contracts';
import type { Prisma } from '@deploysphere/database';
import type { OutboxWriter } from '@deploysphere/messaging';

/**
 * Announces a project's complete routing view (slug and serving settings) to the edge routers.
 * `changedAt` is the row's `updatedAt`, which the edge uses to ignore stale events.
 */
export function announceRouting(
  outbox: OutboxWriter,
  tx: Prisma.TransactionClient,
  project: { id: string; slug: string; cleanUrls: boolean; spaFallback: boolean; custom404: boolean; updatedAt: Date },
  correlationId: string,
) {
  return outbox.add(
    tx,
    ProjectRoutingChangedV1,
    {
      projectId: project.id,
      slug: project.slug,
      cleanUrls: project.cleanUrls,
      spaFallback: project.spaFallback,
      custom404: project.custom404,
      changedAt: project.updatedAt.toISOString(),
    },
    { key: project.id, correlationId },
  );
}
