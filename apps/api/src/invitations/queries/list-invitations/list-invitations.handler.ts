import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import { InvitationDto, type InvitationListDto } from '../../invitation.response.dto';
import { ListInvitationsQuery } from './list-invitations.query';

@QueryHandler(ListInvitationsQuery)
export class ListInvitationsHandler implements IQueryHandler<ListInvitationsQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId }: ListInvitationsQuery): Promise<InvitationListDto> {
    const rows = await this.prisma.invitation.findMany({ where: { teamId, acceptedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return { data: rows.map(InvitationDto.from) };
  }
}
