import { Command } from '@nestjs/cqrs';
import type { DeploymentCancelRequestedV1, EventEnvelope } from '@deploysphere/contracts';

/** A user canceled a deployment that had left QUEUED: stop its build and mark it CANCELED. */
export class StopDeploymentCommand extends Command<void> {
  constructor(
    readonly event: DeploymentCancelRequestedV1,
    readonly envelope: EventEnvelope,
  ) {
    super();
  }
}
