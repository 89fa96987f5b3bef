import { Command } from '@nestjs/cqrs';

export class DeleteProjectCommand extends Command<void> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
