import { Module } from '@nestjs/common';
import { CertificateRepositoryModule } from '@deploysphere/certificates';
import { DeploymentRepositoryModule } from '@deploysphere/deployments';
import { LogsModule } from '@deploysphere/logs';
import { AppInstanceRecords } from './apps/app-instance-records';
import { AppLauncher } from './apps/app-launcher';
import { AppSupervisor } from './apps/app-supervisor';
import { RegistryModule } from './registry/registry.module';
import { RunnerModule } from './runner';
import { AppRuntimeModule } from './runtime';
import { SourceModule } from '@deploysphere/source';
import { ArtifactJanitor } from './artifacts/artifact-janitor.service';
import { BlobReferences } from './artifacts/blob-references.repository';
import { BuildEnvironment } from './builds/build-environment';
import { BuildPipeline } from './builds/build-pipeline';
import { BuildProjects } from './builds/build-projects.repository';
import { BuildScheduler } from './builds/build-scheduler';
import { AcmeCertificateAuthority } from './certificates/acme-certificate-authority.adapter';
import { CERTIFICATE_AUTHORITY } from './certificates/certificate-authority.port';
import { CertificateIssuer } from './certificates/certificate-issuer';
import { DomainVerifiedHandler } from './certificates/events/domain-verified.handler';
import { DeploymentTransitions } from './builds/deployment-transitions';
import { AcceptDeploymentHandler } from './deployments/commands/accept-deployment/accept-deployment.handler';
import { StopDeploymentHandler } from './deployments/commands/stop-deployment/stop-deployment.handler';
import { DeploymentCancelRequestedHandler } from './deployments/events/deployment-cancel-requested.handler';
import { DeploymentRequestedHandler } from './deployments/events/deployment-requested.handler';
import { DeploymentTrafficSeenHandler } from './deployments/events/deployment-traffic-seen.handler';
import { DeploymentWakeRequestedHandler } from './deployments/events/deployment-wake-requested.handler';
import { RecordTrafficHandler } from './deployments/commands/record-traffic/record-traffic.handler';
import { WakeDeploymentHandler } from './deployments/commands/wake-deployment/wake-deployment.handler';
import { OrchestratorEventsController } from './orchestrator-events.controller';
import { DropProjectBuildsHandler } from './projects/commands/drop-project-builds/drop-project-builds.handler';
import { ProjectDeletedHandler } from './projects/events/project-deleted.handler';

/**
 * Owns the deployment lifecycle: QUEUED → BUILDING → UPLOADING → READY | FAILED | CANCELED |
 * TIMED_OUT, and a container deployment's UPLOADING → STARTING (docs/builds.md); its STARTING →
 * READY | FAILED and READY → CRASHED (AppLauncher, AppSupervisor: docs/apps.md); and custom domains'
 * certificates (CertificateIssuer: docs/edge-router.md). Infrastructure
 * (config, database, messaging, artifact store, SECRET_BOX) comes from CoreModule; the build runner,
 * source fetcher and log sink from their libs.
 */
@Module({
  imports: [DeploymentRepositoryModule, CertificateRepositoryModule, RunnerModule, RegistryModule, AppRuntimeModule, SourceModule, LogsModule],
  controllers: [OrchestratorEventsController],
  providers: [
    AppInstanceRecords,
    AppLauncher,
    AppSupervisor,
    ArtifactJanitor,
    BlobReferences,
    DeploymentRequestedHandler,
    DeploymentCancelRequestedHandler,
    DeploymentWakeRequestedHandler,
    DeploymentTrafficSeenHandler,
    ProjectDeletedHandler,
    AcceptDeploymentHandler,
    StopDeploymentHandler,
    WakeDeploymentHandler,
    RecordTrafficHandler,
    DropProjectBuildsHandler,
    BuildEnvironment,
    BuildPipeline,
    BuildProjects,
    BuildScheduler,
    DeploymentTransitions,
    CertificateIssuer,
    DomainVerifiedHandler,
    { provide: CERTIFICATE_AUTHORITY, useClass: AcmeCertificateAuthority },
  ],
})
export class OrchestratorModule {}
