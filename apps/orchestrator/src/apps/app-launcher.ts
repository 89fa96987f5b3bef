import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretMask } from '@deploysphere/common';
import { appRuntimeConfig, appsConfig, type ConfigType } from '@deploysphere/config';
import { PrismaService } from '@deploysphere/database';
import { BuildEnvironment, EnvDecryptionError } from '../builds/build-environment';
import { DeploymentTransitions, type BuildContext } from '../builds/deployment-transitions';
import { APP_RUNTIME, AppStartError, probeHealth, type AppArtifact, type AppInstance, type AppRuntime } from '../runtime';
import { AppInstanceRecords } from './app-instance-records';

/** What a STARTING deployment runs, from its project's runtime settings. */
export interface AppLaunch {
  ctx: BuildContext;
  artifact: AppArtifact;
  port: number;
  healthCheckPath: string;
  startCommand?: string | null;
  replicas: number;
  memoryMb: number;
  cpus: number;
}

export type LaunchOutcome = 'ready' | 'failed' | 'canceled' | 'lost';

const POLL_MS = 250;
const TAIL_LINES = 20;

/**
 * Health-gated go-live of a server app: starts its instances (or finds them warm), waits until
 * every one answers its health check, then STARTING → READY, which moves a production alias in
 * the same statement: the deployment it replaces keeps serving until that moment (the app
 * supervisor stops it APP_DRAIN_SECONDS later). An instance that cannot start or stay healthy
 * within APP_HEALTH_TIMEOUT_SECONDS fails the deployment (HEALTH_CHECK_FAILED) with its last log
 * lines, secrets masked, and nothing live changes.
 */
@Injectable()
export class AppLauncher {
  private readonly logger = new Logger('AppLauncher');

  constructor(
    @Inject(APP_RUNTIME) private readonly runtime: AppRuntime,
    private readonly transitions: DeploymentTransitions,
    private readonly environment: BuildEnvironment,
    private readonly records: AppInstanceRecords,
    private readonly prisma: PrismaService,
    @Inject(appRuntimeConfig.KEY) private readonly cfg: ConfigType<typeof appRuntimeConfig>,
    @Inject(appsConfig.KEY) private readonly apps: ConfigType<typeof appsConfig>,
  ) {}

  /** A claimed STARTING deployment: its image with its project's runtime settings (the platform's defaults where unset). */
  async launchStarting(ctx: BuildContext, imageRef: string, signal?: AbortSignal): Promise<LaunchOutcome> {
    const project = await this.prisma.project.findUnique({
      where: { id: ctx.projectId },
      select: { port: true, healthCheckPath: true, startCommand: true, replicas: true, memoryMb: true, cpus: true },
    });
    if (!project) return 'lost';
    const { defaults } = this.apps;
    return this.launch({
      ctx,
      artifact: { kind: 'image', ref: imageRef },
      port: project.port ?? defaults.port,
      healthCheckPath: project.healthCheckPath ?? defaults.healthCheckPath,
      startCommand: project.startCommand,
      replicas: project.replicas ?? 1,
      memoryMb: project.memoryMb ?? defaults.memoryMb,
      cpus: project.cpus ?? defaults.cpus,
    }, signal);
  }

  async launch(app: AppLaunch, signal?: AbortSignal): Promise<LaunchOutcome> {
    const { ctx } = app;
    let mask = SecretMask.NONE;
    const fail = async (code: string, message: string): Promise<LaunchOutcome> => {
      await this.discard(ctx.id);
      return (await this.transitions.finish(ctx, 'FAILED', code, mask.apply(message))) ? 'failed' : 'lost';
    };
    let env: Record<string, string>;
    try {
      const loaded = await this.environment.load(ctx.projectId, ctx.target);
      mask = new SecretMask(loaded.secrets);
      env = loaded.env;
    } catch (err) {
      if (err instanceof EnvDecryptionError) return fail(err.code, err.message);
      throw err;
    }
    try {
      const started = await this.runtime.start({
        deploymentId: ctx.id,
        projectId: ctx.projectId,
        artifact: app.artifact,
        port: app.port,
        startCommand: app.startCommand,
        replicas: app.replicas,
        env,
        limits: { memoryMb: app.memoryMb, cpus: app.cpus, pids: this.cfg.pids },
      });
      await this.record(ctx.id, started);
    } catch (err) {
      if (err instanceof AppStartError) return fail(err.code, err.message);
      throw err;
    }
    const healthy = await this.waitHealthy(app, signal);
    if (signal?.aborted) {
      await this.discard(ctx.id);
      return (await this.transitions.finish(ctx, 'CANCELED', 'CANCELED', 'Canceled by the user')) ? 'canceled' : 'lost';
    }
    if (!healthy) {
      const tail = mask.apply((await this.runtime.logTail(ctx.id, TAIL_LINES).catch(() => [])).join('\n'));
      return fail(
        'HEALTH_CHECK_FAILED',
        `Not every instance answered GET ${app.healthCheckPath} on port ${app.port} with a 2xx or 3xx within ${this.cfg.healthTimeoutSeconds} s.` +
          (tail ? `\nLast log lines:\n${tail}` : ' The app printed nothing.'),
      );
    }
    const upstreams = healthy.map((i) => i.address!);
    const live = await this.transitions.appReady(ctx, upstreams);
    if (!live) {
      // Canceled or taken over meanwhile: whoever owns it now decides; these instances are not it.
      await this.discard(ctx.id);
      return 'lost';
    }
    await this.record(ctx.id, healthy);
    this.logger.log({ deploymentId: ctx.id, upstreams, aliasMoved: live.aliasMoved, replaced: live.previousDeploymentId }, 'app is live');
    return 'ready';
  }

  /** Every replica running with an address that passed its health check, or undefined at the deadline (or on abort). */
  private async waitHealthy(app: AppLaunch, signal?: AbortSignal): Promise<AppInstance[] | undefined> {
    const deadline = Date.now() + this.cfg.healthTimeoutSeconds * 1000;
    while (Date.now() < deadline && !signal?.aborted) {
      const instances = (await this.runtime.instances(app.ctx.id)).filter((i) => i.state === 'running' && i.address);
      if (instances.length >= app.replicas) {
        const checks = await Promise.all(instances.map((i) => probeHealth(i.address!, app.healthCheckPath, Math.min(2_000, Math.max(100, deadline - Date.now())))));
        if (checks.every(Boolean)) return instances;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return undefined;
  }

  private async discard(deploymentId: string): Promise<void> {
    await this.runtime.stop(deploymentId, 0).catch((err) => this.logger.warn({ deploymentId, err: String(err) }, 'stopping the instances failed'));
    await this.record(deploymentId, []);
  }

  private async record(deploymentId: string, instances: AppInstance[]): Promise<void> {
    await this.records.replace(this.runtime.kind, [deploymentId], instances).catch((err) => this.logger.warn({ deploymentId, err: String(err) }, 'recording the instances failed'));
  }
}
