import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import type { SessionListDto } from '../../account.response.dto';
import { ListSessionsQuery } from './list-sessions.query';

/** A user's live sessions (not revoked, not expired), newest first. */
@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler implements IQueryHandler<ListSessionsQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ userId, currentSessionId }: ListSessionsQuery): Promise<SessionListDto> {
    const rows = await this.prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return {
      data: rows.map((s) => ({
        id: s.id,
        current: s.id === currentSessionId,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        userAgent: s.userAgent,
        address: s.address,
      })),
    };
  }
}
