import { Command } from '@nestjs/cqrs';
import type { DeploymentTargetName } from '@deploysphere/contracts';
import type { Principal } from '@deploysphere/auth';
import type { DeploymentDto } from '../../deployment.response.dto';

export class RequestDeploymentCommand extends Command<DeploymentDto> {
  constructor(
    readonly caller: Principal,
    readonly projectId: string,
    readonly target: DeploymentTargetName,
    readonly source: { kind: 'GIT'; gitRef?: string; commitSha?: string } | { kind: 'UPLOAD'; sourceKey: string },
    readonly correlationId: string,
  ) {
    super();
  }
}
