import { Command } from '@nestjs/cqrs';
import type { AliasDto } from '../../alias.response.dto';

/** Serve a READY deployment (a preview, or an older production build) at the production URL, without rebuilding. */
export class PromoteDeploymentCommand extends Command<AliasDto> {
  constructor(
    readonly teamId: string,
    readonly deploymentId: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
