import { Command } from '@nestjs/cqrs';
import type { DeploymentDto } from '../../deployment.response.dto';

export class CancelDeploymentCommand extends Command<DeploymentDto> {
  constructor(
    readonly teamId: string,
    readonly deploymentId: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
