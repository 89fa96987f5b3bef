import { Command } from '@nestjs/cqrs';
import type { AliasDto } from '../../alias.response.dto';

/** Put a previous (or a named) READY deployment back live. */
export class RollbackProjectCommand extends Command<AliasDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly deploymentId: string | undefined,
    readonly correlationId: string,
  ) {
    super();
  }
}
