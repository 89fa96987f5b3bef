import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import { MemberDto, type MemberListDto } from '../../member.response.dto';
import { ListMembersQuery } from './list-members.query';

@QueryHandler(ListMembersQuery)
export class ListMembersHandler implements IQueryHandler<ListMembersQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId }: ListMembersQuery): Promise<MemberListDto> {
    const rows = await this.prisma.membership.findMany({ where: { teamId }, include: { user: true }, orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }] });
    return { data: rows.map(MemberDto.from) };
  }
}
