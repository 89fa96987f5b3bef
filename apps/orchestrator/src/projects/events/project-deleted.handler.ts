import { CommandBus } from '@nestjs/cqrs';
import { ProjectDeletedV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type EventDelivery, type IntegrationEventHandler } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from '../../orchestrator.constants';
import { DropProjectBuildsCommand } from '../commands/drop-project-builds/drop-project-builds.command';

@IntegrationEventsHandler(ORCHESTRATOR_CONSUMER, ProjectDeletedV1)
export class ProjectDeletedHandler implements IntegrationEventHandler<ProjectDeletedV1> {
  constructor(private readonly commands: CommandBus) {}

  async handle(event: ProjectDeletedV1, { envelope }: EventDelivery): Promise<void> {
    await this.commands.execute(new DropProjectBuildsCommand(event, envelope));
  }
}
