import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppSupervisor } from '../../../apps/app-supervisor';
import { WakeDeploymentCommand } from './wake-deployment.command';

/**
 * Claims the wake and starts it in the background: the consumer does not wait for the health
 * check (the edge repeats its request while it holds traffic; a repeat finds the wake claimed).
 */
@CommandHandler(WakeDeploymentCommand)
export class WakeDeploymentHandler implements ICommandHandler<WakeDeploymentCommand> {
  constructor(private readonly supervisor: AppSupervisor) {}

  execute({ deploymentId }: WakeDeploymentCommand): Promise<boolean> {
    return this.supervisor.wake(deploymentId);
  }
}
