import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { MeDto, UserDto } from '../../account.response.dto';
import { teamsOfUser } from '../../teams-of-user';
import { GetMeQuery } from './get-me.query';

@QueryHandler(GetMeQuery)
export class GetMeHandler implements IQueryHandler<GetMeQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ userId, teamId }: GetMeQuery): Promise<MeDto> {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user) throw new NotFoundError('user', userId);
    const teams = await teamsOfUser(this.prisma, userId);
    const acting = teams.find((t) => t.id === teamId);
    return {
      user: UserDto.from(user),
      team: acting ? { id: acting.id, name: acting.name, slug: acting.slug } : null,
      role: acting?.role ?? null,
      teams,
    };
  }
}
