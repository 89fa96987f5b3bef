import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, newId, NotFoundError, ValidationError } from '@deploysphere/common';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { isUniqueViolation, PrismaService } from '@deploysphere/database';
import { DomainDto } from '../../domain.response.dto';
import { newVerificationToken } from '../../domain-verification';
import { normalizeHostname } from '../../hostname';
import { AddDomainCommand } from './add-domain.command';

@CommandHandler(AddDomainCommand)
export class AddDomainHandler implements ICommandHandler<AddDomainCommand> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(httpConfig.KEY) private readonly http: ConfigType<typeof httpConfig>,
  ) {}

  async execute({ teamId, projectId, hostname: requested }: AddDomainCommand): Promise<DomainDto> {
    const normalized = normalizeHostname(requested, this.http.rootDomain);
    if ('error' in normalized) throw new ValidationError([normalized.error]);
    const { hostname } = normalized;
    const project = await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } });
    if (!project) throw new NotFoundError('project', projectId);
    try {
      const domain = await this.prisma.domain.create({ data: { id: newId('dom'), projectId, hostname, verificationToken: newVerificationToken() } });
      return DomainDto.from(domain);
    } catch (err) {
      // One owner per name across every team, verified or not: the unique index settles races.
      if (isUniqueViolation(err, ['hostname'])) throw new ConflictError('DOMAIN_TAKEN', `${hostname} is already attached to a project`, { hostname });
      // The project was deleted between the check and the insert.
      if ((err as { code?: unknown }).code === 'P2003') throw new NotFoundError('project', projectId);
      throw err;
    }
  }
}
