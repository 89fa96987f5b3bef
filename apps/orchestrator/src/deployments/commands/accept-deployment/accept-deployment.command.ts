import { Command } from '@nestjs/cqrs';
import type { DeploymentRequestedV1, EventEnvelope } from '@deploysphere/contracts';

/** The orchestrator takes a requested deployment into its queue. */
export class AcceptDeploymentCommand extends Command<void> {
  constructor(
    readonly event: DeploymentRequestedV1,
    readonly envelope: EventEnvelope,
  ) {
    super();
  }
}
