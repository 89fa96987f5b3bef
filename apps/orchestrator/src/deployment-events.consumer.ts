import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DeploymentCancelRequestedV1, DeploymentRequestedV1, ProjectDeletedV1, Topics } from '@deploysphere/contracts';
import { ConsumerHost } from '@deploysphere/messaging';
import { AcceptDeploymentCommand } from './deployments/commands/accept-deployment/accept-deployment.command';
import { StopDeploymentCommand } from './deployments/commands/stop-deployment/stop-deployment.command';
import { ORCHESTRATOR_CONSUMER } from './orchestrator.constants';
import { DropProjectBuildsCommand } from './projects/commands/drop-project-builds/drop-project-builds.command';

/**
 * Integration events in, commands out: each event is rebuilt as its contract class by the
 * ConsumerHost, then turned into a command whose handler is awaited, so a failure is retried
 * and then dead-lettered instead of being lost.
 */
@Injectable()
export class DeploymentEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerHost,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.consume(ORCHESTRATOR_CONSUMER, [Topics.DeploymentRequested, Topics.DeploymentCancelRequested, Topics.ProjectDeleted], async (event, envelope) => {
      if (event instanceof DeploymentRequestedV1) await this.commands.execute(new AcceptDeploymentCommand(event, envelope));
      else if (event instanceof DeploymentCancelRequestedV1) await this.commands.execute(new StopDeploymentCommand(event, envelope));
      else if (event instanceof ProjectDeletedV1) await this.commands.execute(new DropProjectBuildsCommand(event, envelope));
    });
  }
}
