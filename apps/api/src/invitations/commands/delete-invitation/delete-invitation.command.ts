import { Command } from '@nestjs/cqrs';

export class DeleteInvitationCommand extends Command<void> {
  constructor(
    readonly teamId: string,
    readonly invitationId: string,
  ) {
    super();
  }
}
