import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainRemovedV1 } from '@deploysphere/contracts';
import { OutboxWriter } from '@deploysphere/messaging';
import { domainNotFound } from '../../domain-not-found';
import { RemoveDomainCommand } from './remove-domain.command';

/**
 * The row is locked before it is read, so a verify committing meanwhile is seen: a domain that
 * became verified always gets its DomainRemoved event (else the edge would keep serving it).
 */
@CommandHandler(RemoveDomainCommand)
export class RemoveDomainHandler implements ICommandHandler<RemoveDomainCommand> {
  constructor(private readonly outbox: OutboxWriter) {}

  async execute({ teamId, projectId, domainId, correlationId }: RemoveDomainCommand): Promise<void> {
    await this.outbox.transaction(async (tx) => {
      const [domain] = await tx.$queryRaw<Array<{ id: string; hostname: string; verifiedAt: Date | null }>>`
        SELECT d.id, d.hostname, d.verified_at AS "verifiedAt"
        FROM domains d JOIN projects p ON p.id = d.project_id
        WHERE d.id = ${domainId} AND d.project_id = ${projectId} AND p.team_id = ${teamId}
        FOR UPDATE OF d`;
      if (!domain) throw await domainNotFound(tx, teamId, projectId, domainId);
      await tx.domain.delete({ where: { id: domain.id } });
      if (domain.verifiedAt) {
        await this.outbox.add(
          tx,
          DomainRemovedV1,
          { projectId, domainId: domain.id, hostname: domain.hostname, removedAt: new Date().toISOString() },
          { key: projectId, correlationId },
        );
      }
    });
  }
}
