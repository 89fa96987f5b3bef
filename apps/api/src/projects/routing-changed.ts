import type { EventBus } from '@nestjs/cqrs';
import { ProjectRoutingChangedV1 } from '@deploysphere/contracts';
import { integrationEvent } from '@deploysphere/messaging';

/**
 * Announces a project's complete routing view (slug and serving settings) to the edge routers:
 * raised on the EventBus inside the caller's `OutboxWriter.transaction`, so it is written to the
 * outbox with the change. `changedAt` is the row's `updatedAt`, which the edge uses to ignore
 * stale events.
 */
export function announceRouting(
  events: EventBus,
  project: { id: string; slug: string; cleanUrls: boolean; spaFallback: boolean; custom404: boolean; hsts: boolean; updatedAt: Date },
  correlationId: string,
): void {
  events.publish(
    integrationEvent(
      ProjectRoutingChangedV1,
      {
        projectId: project.id,
        slug: project.slug,
        cleanUrls: project.cleanUrls,
        spaFallback: project.spaFallback,
        custom404: project.custom404,
        hsts: project.hsts,
        changedAt: project.updatedAt.toISOString(),
      },
      { key: project.id, correlationId },
    ),
  );
}
