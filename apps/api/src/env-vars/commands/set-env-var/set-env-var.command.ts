import { Command } from '@nestjs/cqrs';
import type { DeploymentTargetName } from '@deploysphere/contracts';
import type { EnvVarDto } from '../../env-var.response.dto';

export class SetEnvVarCommand extends Command<EnvVarDto[]> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly key: string,
    readonly value: string,
    readonly targets: DeploymentTargetName[],
    readonly secret: boolean,
  ) {
    super();
  }
}
