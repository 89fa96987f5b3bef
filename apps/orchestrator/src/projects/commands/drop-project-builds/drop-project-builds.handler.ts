import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IMAGE_BUILDER, type ImageBuilder } from '../../../images/image-builder.port';
import { IMAGE_REGISTRY, type ImageRegistry } from '../../../registry/image-registry.port';
import { BUILD_RUNNER, type BuildRunner } from '../../../runner';
import { APP_RUNTIME, type AppRuntime } from '../../../runtime';
import { AppSupervisor } from '../../../apps/app-supervisor';
import { ArtifactJanitor } from '../../../artifacts/artifact-janitor.service';
import { BuildPipeline } from '../../../builds/build-pipeline';
import { DropProjectBuildsCommand } from './drop-project-builds.command';

/**
 * The project's deployments went with it (cascade), so there is no status to change: builds
 * running here are stopped, its app instances removed, builds elsewhere are removed by their owner (lost lease rows) or by
 * the scheduler's sweep, the project's dependency cache and images are dropped, and the artifact janitor
 * removes its manifests, source archives and unshared blobs. Repeating it is harmless.
 */
@CommandHandler(DropProjectBuildsCommand)
export class DropProjectBuildsHandler implements ICommandHandler<DropProjectBuildsCommand> {
  private readonly logger = new Logger(DropProjectBuildsHandler.name);

  constructor(
    private readonly pipeline: BuildPipeline,
    @Inject(BUILD_RUNNER) private readonly runner: BuildRunner,
    @Inject(APP_RUNTIME) private readonly apps: AppRuntime,
    private readonly janitor: ArtifactJanitor,
    private readonly supervisor: AppSupervisor,
    @Inject(IMAGE_REGISTRY) private readonly registry: ImageRegistry,
    @Optional() @Inject(IMAGE_BUILDER) private readonly images: ImageBuilder | null,
  ) {}

  async execute({ event }: DropProjectBuildsCommand): Promise<void> {
    this.pipeline.loseProject(event.projectId);
    await this.runner.forgetProject(event.projectId);
    // Its app containers first (a running one holds its image), once no launch can add one.
    await this.supervisor.dropProject(event.projectId);
    await this.apps.stopProject(event.projectId);
    // Its server-app images: the local ones (layer cache included) and its registry repository.
    await this.images?.forgetProject(event.projectId);
    await this.registry.forgetProject(event.projectId);
    // Its deployments' purges were queued with the delete: removed from the artifact store now.
    this.janitor.nudge();
    this.logger.log({ projectId: event.projectId }, 'project deleted: its builds stopped and its build cache dropped');
  }
}
