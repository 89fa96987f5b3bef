import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DomainRemovedV1 } from '@deploysphere/contracts';
import { integrationEvent, OutboxWriter } from '@deploysphere/messaging';
import { domainNotFound } from '../../domain-not-found';
import { DomainRepository } from '../../domain.repository';
import { RemoveDomainCommand } from './remove-domain.command';

/**
 * The row is locked before it is read, so a verify committing meanwhile is seen: a domain that
 * became verified always gets its DomainRemoved event (else the edge would keep serving it).
 */
@CommandHandler(RemoveDomainCommand)
export class RemoveDomainHandler implements ICommandHandler<RemoveDomainCommand> {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly domains: DomainRepository,
    private readonly events: EventBus,
  ) {}

  async execute({ teamId, projectId, domainId, correlationId }: RemoveDomainCommand): Promise<void> {
    await this.outbox.transaction(async (tx) => {
      const domain = await this.domains.lockForChange(tx, teamId, projectId, domainId);
      if (!domain) throw await domainNotFound(tx, teamId, projectId, domainId);
      await tx.domain.delete({ where: { id: domain.id } });
      if (domain.verifiedAt) {
        this.events.publish(
          integrationEvent(
            DomainRemovedV1,
            { projectId, domainId: domain.id, hostname: domain.hostname, removedAt: new Date().toISOString() },
            { key: projectId, correlationId },
          ),
        );
      }
    });
  }
}
