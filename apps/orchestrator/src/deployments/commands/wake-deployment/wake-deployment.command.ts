import { Command } from '@nestjs/cqrs';

/** A request reached an edge for an asleep server app: start it (once, however often this is asked). */
export class WakeDeploymentCommand extends Command<boolean> {
  constructor(readonly deploymentId: string) {
    super();
  }
}
