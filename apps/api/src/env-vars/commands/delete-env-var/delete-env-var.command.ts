import { Command } from '@nestjs/cqrs';
import type { DeploymentTargetName } from '@deploysphere/contracts';

export class DeleteEnvVarCommand extends Command<void> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly key: string,
    /** Only this target's value; every target's when undefined. */
    readonly target: DeploymentTargetName | undefined,
  ) {
    super();
  }
}
