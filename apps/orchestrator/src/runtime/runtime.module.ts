import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { Global, Logger, Module } from '@nestjs/common';
import { appRuntimeConfig, buildsConfig, type ConfigType } from '@deploysphere/config';
import { DockerBuildRunner } from '../runner/docker/docker-build-runner.adapter';
import { APP_RUNTIME, type AppRuntime } from './app-runtime.port';
import { DockerAppRuntime } from './docker/docker-app-runtime.adapter';
import { EcsAppRuntime } from './ecs/ecs-app-runtime.adapter';
import { ProcessAppRuntime } from './process/process-app-runtime.adapter';

export type AppRuntimeSettings = ConfigType<typeof appRuntimeConfig>;

const UNISOLATED_WARNING = [
  '********************************************************************************',
  'SERVER APPS ARE NOT ISOLATED: the process runtime runs each app as a child process',
  'of this orchestrator, as its user, with its file system and network, and without',
  'memory, CPU or process limits. Use it only for local development. Start a Docker',
  'engine (scripts/services/docker.sh start) or set APP_RUNTIME=docker.',
  '********************************************************************************',
].join('\n');

/**
 * The app runtime APP_RUNTIME names (`ecs`: Fargate services in `region`). `auto` asks the Docker engine at start-up and falls back to
 * the process runtime (with a loud warning); production refuses that fallback, and
 * APP_RUNTIME=process, unless ALLOW_UNISOLATED_BUILDS=true (the same switch as for builds: it
 * lets tenant code run unisolated).
 */
export async function createAppRuntime(cfg: AppRuntimeSettings, region = 'us-east-1', logger = new Logger('AppRuntime')): Promise<AppRuntime> {
  let kind = cfg.runtime;
  if (kind === 'ecs') {
    logger.log({ cluster: cfg.ecs.cluster, region, scope: cfg.scope }, 'app runtime: ecs');
    return new EcsAppRuntime({ ...cfg.ecs, region, scope: cfg.scope, stopGraceSeconds: cfg.stopGraceSeconds, ecs: new ECSClient({ region }), logs: new CloudWatchLogsClient({ region }) });
  }
  if (kind === 'auto') kind = (await DockerBuildRunner.daemonAnswers()) ? 'docker' : 'process';
  if (kind === 'process') {
    if (cfg.production && !cfg.allowUnisolated) {
      throw new Error('Invalid configuration:\n  - APP_RUNTIME: the process runtime is not isolated and is refused when NODE_ENV=production (start Docker, or set ALLOW_UNISOLATED_BUILDS=true)');
    }
    logger.warn(UNISOLATED_WARNING);
    return new ProcessAppRuntime();
  }
  logger.log({ network: cfg.network, scope: cfg.scope }, 'app runtime: docker');
  return new DockerAppRuntime({ network: cfg.network, scope: cfg.scope, firewall: { instanceId: cfg.instanceId } });
}

/** Provides APP_RUNTIME, chosen and checked once at start-up. */
@Global()
@Module({
  providers: [
    {
      provide: APP_RUNTIME,
      inject: [appRuntimeConfig.KEY, buildsConfig.KEY],
      useFactory: (cfg: AppRuntimeSettings, builds: ConfigType<typeof buildsConfig>) => createAppRuntime(cfg, builds.ecs.region),
    },
  ],
  exports: [APP_RUNTIME],
})
export class AppRuntimeModule {}
