import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { Global, Logger, Module } from '@nestjs/common';
import { appsConfig, buildsConfig, type ConfigType } from '@deploysphere/config';
import { join } from 'node:path';
import { BuildahImageBuilder } from '../images/buildah/buildah-image-builder.adapter';
import { DockerImageBuilder } from '../images/docker/docker-image-builder.adapter';
import { IMAGE_BUILDER, type ImageBuilder } from '../images/image-builder.port';
import { BUILD_RUNNER, type BuildRunner } from './build-runner.port';
import { DockerBuildRunner } from './docker/docker-build-runner.adapter';
import { EcsBuildRunner } from './ecs/ecs-build-runner.adapter';
import { ProcessBuildRunner } from './process/process-build-runner.adapter';

export type BuildsSettings = ConfigType<typeof buildsConfig>;

const UNISOLATED_WARNING = [
  '********************************************************************************',
  'BUILDS ARE NOT ISOLATED: the process runner runs each build as a child process of',
  'this orchestrator, as its user, with its file system and network, and without',
  'memory, CPU or process limits. Any project you deploy can read and change this',
  'machine. Use it only for local development. Start a Docker engine',
  '(scripts/services/docker.sh start) or set BUILD_RUNNER=docker|ecs.',
  '********************************************************************************',
].join('\n');

/**
 * The build runner BUILD_RUNNER names. `auto` asks the Docker engine at start-up and falls back
 * to the process runner (with a loud warning) when none answers; production refuses that
 * fallback, and BUILD_RUNNER=process, unless ALLOW_UNISOLATED_BUILDS=true.
 */
export async function createBuildRunner(cfg: BuildsSettings, logger = new Logger('BuildRunner')): Promise<BuildRunner> {
  let kind = cfg.runner;
  if (kind === 'auto') {
    kind = (await DockerBuildRunner.daemonAnswers()) ? 'docker' : 'process';
    if (kind === 'process' && cfg.production && !cfg.allowUnisolated) {
      throw new Error(
        'Invalid configuration:\n  - BUILD_RUNNER: auto found no Docker engine, and process builds are not isolated so NODE_ENV=production refuses them ' +
          '(start Docker, set BUILD_RUNNER=ecs, or set ALLOW_UNISOLATED_BUILDS=true)',
      );
    }
  }
  switch (kind) {
    case 'docker':
      logger.log({ image: cfg.builderImage, network: cfg.network, memoryMb: cfg.memoryMb, cpus: cfg.cpus, pids: cfg.pids, workspace: cfg.dockerWorkspace }, 'build runner: docker');
      return new DockerBuildRunner({
        image: cfg.builderImage,
        network: cfg.network,
        logMaxBytes: cfg.logMaxBytes,
        workspace: cfg.dockerWorkspace,
        workDir: cfg.workDir,
        firewall: { instanceId: cfg.instanceId },
      });
    case 'process':
      if (cfg.production && !cfg.allowUnisolated) throw new Error('Invalid configuration:\n  - BUILD_RUNNER: process builds are refused when NODE_ENV=production unless ALLOW_UNISOLATED_BUILDS=true');
      logger.warn(UNISOLATED_WARNING);
      return new ProcessBuildRunner({ workDir: cfg.workDir });
    case 'ecs': {
      const { region, s3Endpoint, s3ForcePathStyle, ...ecs } = cfg.ecs;
      logger.log({ cluster: cfg.ecs.cluster, taskDefinition: cfg.ecs.taskDefinition, bucket: cfg.ecs.transferBucket, logGroup: cfg.ecs.logGroup }, 'build runner: ecs');
      return new EcsBuildRunner({
        ...ecs,
        ecs: new ECSClient({ region }),
        logs: cfg.ecs.logGroup ? new CloudWatchLogsClient({ region }) : undefined,
        s3: new S3Client({ region, endpoint: s3Endpoint, forcePathStyle: s3ForcePathStyle }),
      });
    }
    default:
      throw new Error(`Invalid configuration:\n  - BUILD_RUNNER: unknown runner ${JSON.stringify(kind)}`);
  }
}

/**
 * The image builder of container deployments IMAGE_BUILDER names: the Docker engine's build API
 * on the docker runner's build network and firewall, or buildah (daemonless, its own CNI bridge
 * behind the same firewall rules; its images leave only through a registry). Without one (null),
 * such deployments fail RUNNER_UNAVAILABLE (docs/builds.md, "Image builds").
 */
export function createImageBuilder(runner: BuildRunner, cfg: BuildsSettings, apps: ConfigType<typeof appsConfig>, logger = new Logger('ImageBuilder')): ImageBuilder | null {
  const kind = cfg.imageBuilder === 'auto' ? (runner instanceof DockerBuildRunner ? 'docker' : 'none') : cfg.imageBuilder;
  if (kind === 'docker') {
    if (!(runner instanceof DockerBuildRunner)) throw new Error('Invalid configuration:\n  - IMAGE_BUILDER: docker image builds need BUILD_RUNNER=docker (or use buildah)');
    return new DockerImageBuilder({ buildNetwork: () => runner.buildNetwork() });
  }
  if (kind === 'buildah') {
    if (apps.registry.kind === 'none') throw new Error('Invalid configuration:\n  - IMAGE_BUILDER: buildah images reach the app runtime only through a registry (set REGISTRY_URL, or REGISTRY_KIND=ecr)');
    const loopback = apps.registry.url && /^(127\.|localhost(:|$))/.test(apps.registry.url) ? [apps.registry.url] : [];
    // Per instance: what a dead process of this instance left in its stores is its own to remove.
    const stateDir = join(cfg.workDir, 'buildah', cfg.instanceId.replace(/[^A-Za-z0-9._-]/g, '_'));
    logger.log({ stateDir }, 'image builder: buildah');
    return new BuildahImageBuilder({ stateDir, firewall: { instanceId: cfg.instanceId }, insecureRegistries: loopback });
  }
  return null;
}

/** Provides BUILD_RUNNER, chosen and checked once at start-up, and IMAGE_BUILDER beside it. */
@Global()
@Module({
  providers: [
    { provide: BUILD_RUNNER, inject: [buildsConfig.KEY], useFactory: (cfg: BuildsSettings) => createBuildRunner(cfg) },
    {
      provide: IMAGE_BUILDER,
      inject: [BUILD_RUNNER, buildsConfig.KEY, appsConfig.KEY],
      useFactory: (runner: BuildRunner, cfg: BuildsSettings, apps: ConfigType<typeof appsConfig>) => createImageBuilder(runner, cfg, apps),
    },
  ],
  exports: [BUILD_RUNNER, IMAGE_BUILDER],
})
export class RunnerModule {}
