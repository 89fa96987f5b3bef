import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { keepAnOwner } from '../../owners-lock';
import { RemoveMemberCommand } from './remove-member.command';

/** The user keeps their account and other teams; their sessions stop reaching this team at once. */
@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, userId }: RemoveMemberCommand): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if (!(await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } } }))) throw new NotFoundError('member', userId);
      await keepAnOwner(tx, teamId, userId, undefined);
      await tx.membership.delete({ where: { teamId_userId: { teamId, userId } } });
    });
  }
}
