import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { DeleteInvitationCommand } from './delete-invitation.command';

/** Withdraws an invitation: its link stops working at once. */
@CommandHandler(DeleteInvitationCommand)
export class DeleteInvitationHandler implements ICommandHandler<DeleteInvitationCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, invitationId }: DeleteInvitationCommand): Promise<void> {
    const { count } = await this.prisma.invitation.deleteMany({ where: { id: invitationId, teamId } });
    if (count === 0) throw new NotFoundError('invitation', invitationId);
  }
}
