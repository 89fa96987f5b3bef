import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { appsConfig, type ConfigType } from '@deploysphere/config';
import { ConflictError, isValidSlug, newId, slugify, ValidationError } from '@deploysphere/common';
import { isUniqueViolation, PrismaService } from '@deploysphere/database';
import { OutboxWriter } from '@deploysphere/messaging';
import { assertWithinAppLimits } from '../../app-limits';
import { announceRouting } from '../../routing-changed';
import { SiteUrls } from '../../../http/site-urls';
import { ProjectDto } from '../../project.response.dto';
import { CreateProjectCommand } from './create-project.command';

const MAX_ATTEMPTS = 5;

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler implements ICommandHandler<CreateProjectCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
    @Inject(appsConfig.KEY) private readonly apps: ConfigType<typeof appsConfig>,
    private readonly urls: SiteUrls,
    private readonly events: EventBus,
  ) {}

  async execute({ teamId, input, correlationId }: CreateProjectCommand): Promise<ProjectDto> {
    const { slug: requested, ...fields } = input;
    assertWithinAppLimits(fields, this.apps);
    if (requested !== undefined && !isValidSlug(requested)) {
      throw new ValidationError([
        { field: 'slug', code: 'invalidSlug', message: 'slug must be a DNS label: 1–63 of a-z, 0-9 and single hyphens, not a reserved name' },
      ]);
    }
    // A derived slug gets a numeric suffix on collision; a requested one is the user's choice
    // and conflicts instead. The unique index settles races between concurrent creates.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const slug = requested ?? (await this.freeSlug(slugify(input.name)));
      try {
        const project = await this.outbox.transaction(async (tx) => {
          const created = await tx.project.create({ data: { ...fields, id: newId('prj'), teamId, slug } });
          announceRouting(this.events, created, correlationId);
          return created;
        });
        return ProjectDto.from(project, this.urls);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (requested !== undefined) throw new ConflictError('PROJECT_SLUG_TAKEN', `The slug "${requested}" is taken`);
      }
    }
    throw new ConflictError('PROJECT_SLUG_TAKEN', 'Could not find a free slug; pass one explicitly');
  }

  private async freeSlug(base: string): Promise<string> {
    const taken = new Set(
      (await this.prisma.project.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((p) => p.slug),
    );
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) {
      const candidate = `${base.slice(0, 63 - String(n).length - 1)}-${n}`;
      if (!taken.has(candidate)) return candidate;
    }
  }
}
