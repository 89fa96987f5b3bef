import { Command } from '@nestjs/cqrs';

/** The newest request per server app an edge reported: the idle clock of scale to zero. */
export class RecordTrafficCommand extends Command<void> {
  constructor(readonly seen: Array<{ deploymentId: string; lastRequestAt: Date }>) {
    super();
  }
}
