import { Command } from '@nestjs/cqrs';

export class RemoveMemberCommand extends Command<void> {
  constructor(
    readonly teamId: string,
    readonly userId: string,
  ) {
    super();
  }
}
