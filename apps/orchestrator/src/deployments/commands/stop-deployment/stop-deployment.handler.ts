import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { IdempotencyService } from '@deploysphere/messaging';
import { AppSupervisor } from '../../../apps/app-supervisor';
import { BuildPipeline } from '../../../builds/build-pipeline';
import { BuildScheduler } from '../../../builds/build-scheduler';
import { ORCHESTRATOR_CONSUMER } from '../../../orchestrator.constants';
import { StopDeploymentCommand } from './stop-deployment.command';

/**
 * A cancel request for a deployment that left QUEUED. If its build runs in this instance it is
 * stopped now and the pipeline ends it CANCELED. If another instance runs it, that instance sees
 * `cancel_requested_at` when it next renews its lease (BUILD_LEASE_SECONDS / 3); if its owner is
 * gone, recovery stops the build and ends it CANCELED. A still-QUEUED one is canceled here, and
 * so is a STARTING server app: its launch stops at once when it runs here, else at the launching
 * orchestrator's next supervisor pass (APP_SUPERVISE_INTERVAL_MS), and its instances are removed.
 */
@CommandHandler(StopDeploymentCommand)
export class StopDeploymentHandler implements ICommandHandler<StopDeploymentCommand> {
  private readonly logger = new Logger(StopDeploymentHandler.name);

  constructor(
    private readonly idempotency: IdempotencyService,
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly pipeline: BuildPipeline,
    private readonly scheduler: BuildScheduler,
    private readonly supervisor: AppSupervisor,
  ) {}

  async execute({ event, envelope }: StopDeploymentCommand): Promise<void> {
    const outcome = await this.idempotency.runOnce(ORCHESTRATOR_CONSUMER, envelope.id, (tx) =>
      this.deployments.stop(tx, event.deploymentId, new Date(event.requestedAt), { correlationId: envelope.correlationId, causationId: envelope.id }),
    );
    if (!outcome.processed) return;
    // A STARTING app is CANCELED at once; its launch here (if it runs here) stops and removes its instances.
    if (outcome.result === 'canceled') this.supervisor.cancelLaunch(event.deploymentId);
    if (outcome.result !== 'running') return;
    const here = this.pipeline.cancel(event.deploymentId);
    this.logger.log({ deploymentId: event.deploymentId, here }, here ? 'canceling the build running here' : 'cancel recorded; the owning orchestrator stops the build');
    if (!here) this.scheduler.nudge();
  }
}
