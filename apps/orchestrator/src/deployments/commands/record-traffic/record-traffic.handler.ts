import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { RecordTrafficCommand } from './record-traffic.command';

/** Kept in the deployment rows (never moved back): a restarted orchestrator still knows when each app was last asked for. */
@CommandHandler(RecordTrafficCommand)
export class RecordTrafficHandler implements ICommandHandler<RecordTrafficCommand> {
  constructor(@Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository) {}

  execute({ seen }: RecordTrafficCommand): Promise<void> {
    return this.deployments.recordTraffic(seen);
  }
}
