import { Command } from '@nestjs/cqrs';

/** Detach a custom domain from its project; if it was being served, the edge stops serving it. */
export class RemoveDomainCommand extends Command<void> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly domainId: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
