import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '@deploysphere/common';
import { DomainVerifiedV1 } from '@deploysphere/contracts';
import { PrismaService } from '@deploysphere/database';
import { integrationEvent, OutboxWriter } from '@deploysphere/messaging';
import { DNS_RESOLVER, DnsLookupError, type DnsResolver } from '../../dns/dns-resolver.port';
import { domainNotFound } from '../../domain-not-found';
import { DomainDto } from '../../domain.response.dto';
import { hasVerificationValue, txtValues, verificationRecord } from '../../domain-verification';
import { VerifyDomainCommand } from './verify-domain.command';

/** What a failure reports of the records found: enough to spot a typo, bounded whatever the zone holds. */
const MAX_REPORTED = 20;
const MAX_REPORTED_LENGTH = 512;

/**
 * The DNS lookup runs outside any transaction (it may take seconds). Marking the domain
 * verified is one conditional update with its event, so concurrent verifies emit one event
 * and a domain removed meanwhile is not resurrected.
 */
@CommandHandler(VerifyDomainCommand)
export class VerifyDomainHandler implements ICommandHandler<VerifyDomainCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
    @Inject(DNS_RESOLVER) private readonly dns: DnsResolver,
    private readonly events: EventBus,
  ) {}

  async execute({ teamId, projectId, domainId, correlationId }: VerifyDomainCommand): Promise<DomainDto> {
    const domain = await this.prisma.domain.findFirst({ where: { id: domainId, projectId, project: { teamId } } });
    if (!domain) throw await domainNotFound(this.prisma, teamId, projectId, domainId);
    // Verification is once: a verified domain stays served until it is removed.
    if (domain.verifiedAt) return DomainDto.from(domain);

    const expected = verificationRecord(domain.hostname, domain.verificationToken);
    let found: string[];
    try {
      found = txtValues(await this.dns.resolveTxt(expected.name));
    } catch (err) {
      if (!(err instanceof DnsLookupError)) throw err;
      throw new ConflictError('DOMAIN_VERIFICATION_FAILED', `The DNS lookup of ${expected.name} failed (${err.reason}); try again later`, {
        expected,
        found: [],
        lookupError: err.reason,
      });
    }
    if (!hasVerificationValue(found, expected.value)) {
      throw new ConflictError(
        'DOMAIN_VERIFICATION_FAILED',
        found.length === 0 ? `There is no TXT record at ${expected.name}` : `No TXT record at ${expected.name} holds the expected value`,
        { expected, found: found.slice(0, MAX_REPORTED).map((v) => v.slice(0, MAX_REPORTED_LENGTH)) },
      );
    }

    const verified = await this.outbox.transaction(async (tx) => {
      const verifiedAt = new Date();
      const { count } = await tx.domain.updateMany({ where: { id: domain.id, verifiedAt: null }, data: { verifiedAt } });
      const current = await tx.domain.findUnique({ where: { id: domain.id }, include: { project: { select: { slug: true } } } });
      if (!current) throw new NotFoundError('domain', domainId);
      if (count === 1) {
        this.events.publish(
          integrationEvent(
            DomainVerifiedV1,
            { projectId: current.projectId, slug: current.project.slug, domainId: current.id, hostname: current.hostname, verifiedAt: verifiedAt.toISOString() },
            { key: current.projectId, correlationId },
          ),
        );
      }
      return DomainDto.from(current);
    });
    return verified;
  }
}
