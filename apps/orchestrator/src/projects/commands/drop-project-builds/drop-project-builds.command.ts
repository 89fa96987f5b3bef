import { Command } from '@nestjs/cqrs';
import type { EventEnvelope, ProjectDeletedV1 } from '@deploysphere/contracts';

/** A project was deleted: stop its builds and drop what the runner keeps for it. */
export class DropProjectBuildsCommand extends Command<void> {
  constructor(
    readonly event: ProjectDeletedV1,
    readonly envelope: EventEnvelope,
  ) {
    super();
  }
}
