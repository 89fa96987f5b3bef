import { Command } from '@nestjs/cqrs';
import type { DomainDto } from '../../domain.response.dto';

/** Attach a custom domain to a project, unverified: nothing is served at it until it is verified. */
export class AddDomainCommand extends Command<DomainDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly hostname: string,
  ) {
    super();
  }
}
