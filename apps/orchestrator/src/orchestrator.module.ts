import { Module } from '@nestjs/common';
import { DeploymentRepositoryModule } from '@deploysphere/deployments';
import { LogsModule } from '@deploysphere/logs';
import { RunnerModule } from './runner';
import { SourceModule } from '@deploysphere/source';
import { BuildEnvironment } from './builds/build-environment';
import { BuildPipeline } from './builds/build-pipeline';
import { BuildScheduler } from './builds/build-scheduler';
import { DeploymentTransitions } from './builds/deployment-transitions';
import { DeploymentEventsConsumer } from './deployment-events.consumer';
import { AcceptDeploymentHandler } from './deployments/commands/accept-deployment/accept-deployment.handler';
import { StopDeploymentHandler } from './deployments/commands/stop-deployment/stop-deployment.handler';
import { DropProjectBuildsHandler } from './projects/commands/drop-project-builds/drop-project-builds.handler';

/**
 * Owns the deployment lifecycle: QUEUED → BUILDING → UPLOADING → READY | FAILED | CANCELED |
 * TIMED_OUT (docs/builds.md). Infrastructure (config, database, messaging, artifact store,
 * SECRET_BOX) comes from CoreModule; the build runner, source fetcher and log sink from their libs.
 */
@Module({
  imports: [DeploymentRepositoryModule, RunnerModule, SourceModule, LogsModule],
  providers: [
    DeploymentEventsConsumer,
    AcceptDeploymentHandler,
    StopDeploymentHandler,
    DropProjectBuildsHandler,
    BuildEnvironment,
    BuildPipeline,
    BuildScheduler,
    DeploymentTransitions,
  ],
})
export class OrchestratorModule {}
