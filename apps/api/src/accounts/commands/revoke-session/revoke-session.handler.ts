import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { RevokeSessionCommand } from './revoke-session.command';

/** Ends one of the user's own sessions; another user's is not found. Idempotent. */
@CommandHandler(RevokeSessionCommand)
export class RevokeSessionHandler implements ICommandHandler<RevokeSessionCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ userId, sessionId }: RevokeSessionCommand): Promise<void> {
    const { count } = await this.prisma.session.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0 && !(await this.prisma.session.findFirst({ where: { id: sessionId, userId } }))) throw new NotFoundError('session', sessionId);
  }
}
