import { Inject, Injectable, Logger } from '@nestjs/common';
import { SecretMask } from '@deploysphere/common';
import { appRuntimeConfig, appsConfig, type ConfigType } from '@deploysphere/config';
import { PrismaService } from '@deploysphere/database';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository, type PendingPromotion } from '@deploysphere/deployments';
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
/** moved: the alias points at it; failed: the alias stayed (the deployment says why); lost: superseded or aborted. */
export type PromotionOutcome = 'moved' | 'failed' | 'lost';

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
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    @Inject(appRuntimeConfig.KEY) private readonly cfg: ConfigType<typeof appRuntimeConfig>,
    @Inject(appsConfig.KEY) private readonly apps: ConfigType<typeof appsConfig>,
  ) {}

  /** A claimed STARTING deployment: its image with its project's runtime settings (the platform's defaults where unset). */
  async launchStarting(ctx: BuildContext, imageRef: string, signal?: AbortSignal): Promise<LaunchOutcome> {
    const app = await this.appOf(ctx, imageRef);
    return app ? this.launch(app, signal) : 'lost';
  }

  /**
   * A claimed promote or rollback to a READY container deployment: its instances are started (or
   * found running: the runtime's start is idempotent) and health-checked like a go-live, then one
   * statement moves the alias (unless a later move superseded the request). A start that fails
   * leaves the alias where it was and records why on the deployment. Instances this promotion
   * started are removed unless it moved the alias; those it found running stay (a preview that
   * keeps serving its own host).
   */
  async promote(promotion: PendingPromotion, signal?: AbortSignal): Promise<PromotionOutcome> {
    const app = await this.appOf(promotion, promotion.imageRef);
    if (!app) return 'lost';
    const warm = (await this.runtime.instances(promotion.id)).length > 0;
    const started = await this.startHealthy(app, signal);
    const moved = started.ok && !signal?.aborted ? await this.deployments.promotionLive(promotion, started.healthy.map((i) => i.address!)) : undefined;
    if (started.ok && moved) {
      await this.record(promotion.id, started.healthy);
      this.logger.log({ deploymentId: promotion.id, upstreams: started.healthy.map((i) => i.address), replaced: moved.previousDeploymentId }, 'promoted app is live');
      return 'moved';
    }
    if (!warm) await this.discard(promotion.id);
    if (started.ok || signal?.aborted) return 'lost';
    return (await this.deployments.promotionFailed(promotion, started.failure)) ? 'failed' : 'lost';
  }

  /**
   * A claimed wake of an asleep deployment (scale to zero): its instances start with its project's
   * settings and pass the health check, then it is awake again with DeploymentUpstreamsChanged.v1
   * naming them (the edge releases the requests it held). A failed wake removes what it started
   * and releases the claim: it stays asleep, and the edge's next wake request tries again.
   */
  async wake(owner: string, app: BuildContext & { imageRef: string }, signal?: AbortSignal): Promise<'woken' | 'failed'> {
    const launch = await this.appOf(app, app.imageRef);
    const started = launch ? await this.startHealthy(launch, signal) : undefined;
    if (started?.ok && !signal?.aborted) {
      const upstreams = started.healthy.map((i) => i.address!);
      if (await this.deployments.woke(owner, app, upstreams)) {
        await this.record(app.id, started.healthy);
        this.logger.log({ deploymentId: app.id, upstreams }, 'app woke');
        return 'woken';
      }
    }
    if (started && !started.ok) this.logger.warn({ deploymentId: app.id, code: started.failure.code }, 'waking the app failed');
    await this.runtime.stop(app.id, 0).catch((err) => this.logger.warn({ deploymentId: app.id, err: String(err) }, 'stopping the instances failed'));
    await this.records.markAsleep(app.id).catch(() => undefined);
    await this.deployments.releaseWake(owner, app.id);
    return 'failed';
  }

  private async appOf(ctx: BuildContext, imageRef: string): Promise<AppLaunch | undefined> {
    const project = await this.prisma.project.findUnique({
      where: { id: ctx.projectId },
      select: { port: true, healthCheckPath: true, startCommand: true, replicas: true, memoryMb: true, cpus: true },
    });
    if (!project) return undefined;
    const { defaults } = this.apps;
    return {
      ctx,
      artifact: { kind: 'image', ref: imageRef },
      port: project.port ?? defaults.port,
      healthCheckPath: project.healthCheckPath ?? defaults.healthCheckPath,
      startCommand: project.startCommand,
      replicas: project.replicas ?? 1,
      memoryMb: project.memoryMb ?? defaults.memoryMb,
      cpus: project.cpus ?? defaults.cpus,
    };
  }

  async launch(app: AppLaunch, signal?: AbortSignal): Promise<LaunchOutcome> {
    const { ctx } = app;
    const started = await this.startHealthy(app, signal);
    if (signal?.aborted) {
      await this.discard(ctx.id);
      return (await this.transitions.finish(ctx, 'CANCELED', 'CANCELED', 'Canceled by the user')) ? 'canceled' : 'lost';
    }
    if (!started.ok) {
      await this.discard(ctx.id);
      return (await this.transitions.finish(ctx, 'FAILED', started.failure.code, started.failure.message)) ? 'failed' : 'lost';
    }
    const { healthy } = started;
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

  /**
   * Starts the app's instances (or finds them running) and waits until every one passes its health
   * check; or why not, with its last log lines, the project's secrets masked.
   */
  private async startHealthy(app: AppLaunch, signal?: AbortSignal): Promise<{ ok: true; healthy: AppInstance[] } | { ok: false; failure: { code: string; message: string } }> {
    const { ctx } = app;
    let mask = SecretMask.NONE;
    const failed = (code: string, message: string) => ({ ok: false as const, failure: { code, message: mask.apply(message) } });
    let env: Record<string, string>;
    try {
      const loaded = await this.environment.load(ctx.projectId, ctx.target);
      mask = new SecretMask(loaded.secrets);
      env = loaded.env;
    } catch (err) {
      if (err instanceof EnvDecryptionError) return failed(err.code, err.message);
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
      if (err instanceof AppStartError) return failed(err.code, err.message);
      throw err;
    }
    const healthy = await this.waitHealthy(app, signal);
    if (healthy) return { ok: true, healthy };
    const tail = mask.apply((await this.runtime.logTail(ctx.id, TAIL_LINES).catch(() => [])).join('\n'));
    return failed(
      'HEALTH_CHECK_FAILED',
      `Not every instance answered GET ${app.healthCheckPath} on port ${app.port} with a 2xx or 3xx within ${this.cfg.healthTimeoutSeconds} s.` +
        (tail ? `\nLast log lines:\n${tail}` : ' The app printed nothing.'),
    );
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
