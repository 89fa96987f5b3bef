import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, newId, slugify } from '@deploysphere/common';
import { isUniqueViolation, PrismaService } from '@deploysphere/database';
import { TeamDto } from '../../team.response.dto';
import { CreateTeamCommand } from './create-team.command';

@CommandHandler(CreateTeamCommand)
export class CreateTeamHandler implements ICommandHandler<CreateTeamCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ name, slug }: CreateTeamCommand): Promise<TeamDto> {
    try {
      const team = await this.prisma.team.create({ data: { id: newId('team'), name, slug: slug ?? slugify(name) } });
      return TeamDto.from(team);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('TEAM_SLUG_TAKEN', 'A team with this slug already exists');
      throw err;
    }
  }
}
