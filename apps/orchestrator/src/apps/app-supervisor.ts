import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SecretMask } from '@deploysphere/common';
import { appRuntimeConfig, appsConfig, type ConfigType } from '@deploysphere/config';
import { DEPLOYMENT_REPOSITORY, type AppRole, type DeploymentRepository } from '@deploysphere/deployments';
import { BuildEnvironment } from '../builds/build-environment';
import { APP_RUNTIME, type AppInstance, type AppRuntime } from '../runtime';
import { AppInstanceRecords } from './app-instance-records';
import { AppLauncher } from './app-launcher';

const TAIL_LINES = 20;

/** What a pass decided for one deployment's instances. */
export type AppVerdict = 'keep' | 'stop' | 'crashed' | 'sleep';

/**
 * Watches every instance the app runtime holds, on an interval and once at start (which is how
 * instances that outlived an orchestrator restart are adopted):
 * - records them (app_instances: address, state, restarts);
 * - counts crashes (the runtime's restart counter going up) of READY deployments: APP_CRASH_LIMIT
 *   within APP_CRASH_WINDOW_SECONDS makes the deployment CRASHED, with its last log lines, and
 *   stops it;
 * - stops the instances of deployments that should not run: deleted (the project too), ended
 *   without being READY, or a production deployment the alias moved away from more than
 *   APP_DRAIN_SECONDS ago (it kept serving the requests routed to it until then);
 * - puts to sleep a READY deployment nobody asked for within its idle timeout (scale to zero:
 *   it stays READY, the edge is told it has no instance, and a request wakes it: `wake`);
 * - tells the edge when the runtime replaced an instance's address (DeploymentUpstreamsChanged.v1).
 * Every decision is read from the database on each pass, so a crash of the orchestrator at any
 * step is repaired by the next pass.
 */
@Injectable()
export class AppSupervisor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AppSupervisor');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Per instance: the restart count seen last (the baseline of an adopted instance is not a crash). */
  private readonly restartsSeen = new Map<string, number>();
  /** Per deployment: when its instances crashed, within the window. */
  private readonly crashes = new Map<string, number[]>();
  /** STARTING deployments this process launches now. */
  private readonly launching = new Map<string, { projectId: string; abort: AbortController; done: Promise<void> }>();
  /** Wakes this process runs now, and stops of deployments it just put to sleep. */
  private readonly waking = new Map<string, Promise<void>>();
  private readonly sleeping = new Map<string, Promise<void>>();
  /** Promotions (promote, rollback) this process starts now. */
  private readonly promoting = new Map<string, { projectId: string; abort: AbortController; done: Promise<void> }>();
  private stopped = false;

  constructor(
    @Inject(APP_RUNTIME) private readonly runtime: AppRuntime,
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly records: AppInstanceRecords,
    private readonly environment: BuildEnvironment,
    private readonly launcher: AppLauncher,
    @Inject(appRuntimeConfig.KEY) private readonly cfg: ConfigType<typeof appRuntimeConfig>,
    @Inject(appsConfig.KEY) private readonly apps: ConfigType<typeof appsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.timer = setTimeout(() => void this.pass().finally(tick), this.cfg.superviseIntervalMs);
      this.timer.unref();
    };
    void this.pass().finally(tick);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    // A promotion left unfinished is claimed again (by this instance id after a restart, or by another once its claim expires).
    const promoting = [...this.promoting.values()];
    for (const p of promoting) p.abort.abort();
    await Promise.all([...promoting.map((p) => p.done), ...this.waking.values()]);
  }

  /** One pass over every instance (single-flight); returns what it decided per deployment. */
  pass(): Promise<Map<string, AppVerdict>> {
    const run = (this.running ?? Promise.resolve()).then(() => this.inspect());
    this.running = run.then(
      () => undefined,
      () => undefined,
    );
    return run.catch((err) => {
      this.logger.warn({ err: String(err) }, 'supervising the app instances failed');
      return new Map();
    });
  }

  private async inspect(): Promise<Map<string, AppVerdict>> {
    const instances = await this.runtime.instances();
    const byDeployment = new Map<string, AppInstance[]>();
    for (const i of instances) byDeployment.set(i.deploymentId, [...(byDeployment.get(i.deploymentId) ?? []), i]);
    const roles = new Map((await this.deployments.appRoles([...byDeployment.keys()])).map((r) => [r.id, r]));
    const known = await this.records.addresses([...roles.keys()]);
    const verdicts = new Map<string, AppVerdict>();
    const now = Date.now();
    for (const [deploymentId, mine] of byDeployment) {
      const role = roles.get(deploymentId);
      let verdict = this.verdict(role, now);
      if (verdict === 'keep' && role?.status === 'READY' && this.crashedTooOften(deploymentId, mine, now)) verdict = 'crashed';
      if (verdict === 'sleep' && !(await this.deployments.sleep({ id: deploymentId, projectId: mine[0].projectId }, this.idleSeconds(role!)))) verdict = 'keep';
      verdicts.set(deploymentId, verdict);
      if (verdict === 'crashed') await this.crash(deploymentId);
      if (verdict === 'sleep') {
        await this.putToSleep(deploymentId);
        this.forget(deploymentId, mine);
      } else if (verdict !== 'keep') {
        await this.runtime.stop(deploymentId, this.cfg.stopGraceSeconds);
        this.forget(deploymentId, mine);
      } else if (role && this.settled(role)) {
        await this.announceMoved(deploymentId, mine, known.get(deploymentId));
      }
    }
    const kept = instances.filter((i) => verdicts.get(i.deploymentId) === 'keep' && roles.has(i.deploymentId));
    // An asleep deployment keeps its rows (state asleep), which the api shows.
    const recorded = [...roles.keys()].filter((id) => verdicts.get(id) !== 'sleep' && !roles.get(id)?.asleep);
    await this.records.replace(this.runtime.kind, recorded, kept);
    await this.abortCanceledLaunches();
    await this.launchStarting();
    await this.startPromotions();
    return verdicts;
  }

  /** Launches here of deployments no longer STARTING (canceled through any orchestrator) stop now: their instances go. */
  private async abortCanceledLaunches(): Promise<void> {
    if (this.launching.size === 0) return;
    for (const role of await this.deployments.appRoles([...this.launching.keys()])) {
      if (role.status !== 'STARTING') this.cancelLaunch(role.id);
    }
  }

  /** The deployments this process launches or promotes now. */
  inFlight(): string[] {
    return [...this.launching.keys(), ...this.promoting.keys()];
  }

  /** A cancel request reached this orchestrator: a launch of the deployment here stops (the launcher removes its instances). */
  cancelLaunch(deploymentId: string): boolean {
    const launch = this.launching.get(deploymentId);
    launch?.abort.abort();
    return launch !== undefined;
  }

  /**
   * Promotes and rollbacks to container deployments are claimed (a claim outlasting the health
   * timeout, so another orchestrator takes over one whose starter died) and started in the
   * background; the alias moves when they are healthy.
   */
  private async startPromotions(): Promise<void> {
    if (this.stopped) return;
    const claimed = await this.deployments.claimPromotions(this.cfg.instanceId, this.cfg.healthTimeoutSeconds + 60, [...this.promoting.keys()]);
    for (const promotion of claimed) {
      const abort = new AbortController();
      const done = this.launcher
        .promote(promotion, abort.signal)
        .then((outcome) => this.logger.log({ deploymentId: promotion.id, outcome }, 'promotion ended'))
        .catch((err) => this.logger.error({ deploymentId: promotion.id, err: String(err) }, 'promotion failed'))
        .finally(() => this.promoting.delete(promotion.id));
      this.promoting.set(promotion.id, { projectId: promotion.projectId, abort, done });
    }
  }

  /**
   * STARTING deployments whose image is stored are claimed (a claim outlasting the health timeout,
   * so another orchestrator takes over one whose launcher died) and launched in the background.
   */
  private async launchStarting(): Promise<void> {
    if (this.stopped) return;
    const claimed = await this.deployments.claimStarting(this.cfg.instanceId, this.cfg.healthTimeoutSeconds + 60, [...this.launching.keys()]);
    for (const d of claimed) {
      const { imageRef, ...ctx } = d;
      const abort = new AbortController();
      const done = this.launcher
        .launchStarting(ctx, imageRef, abort.signal)
        .then((outcome) => this.logger.log({ deploymentId: ctx.id, outcome }, 'app launch ended'))
        .catch((err) => this.logger.error({ deploymentId: ctx.id, err: String(err) }, 'app launch failed'))
        .finally(() => this.launching.delete(ctx.id));
      this.launching.set(ctx.id, { projectId: ctx.projectId, abort, done });
    }
  }

  /**
   * A deleted project: its launches in flight are aborted and awaited, so no container starts
   * from its images after the caller removed the project's containers.
   */
  async dropProject(projectId: string): Promise<void> {
    const mine = [...this.launching.values(), ...this.promoting.values()].filter((l) => l.projectId === projectId);
    for (const l of mine) l.abort.abort();
    await Promise.all(mine.map((l) => l.done));
  }

  private verdict(role: AppRole | undefined, now: number): AppVerdict {
    if (!role) return 'stop';
    if (role.status === 'STARTING') return 'keep';
    if (role.status !== 'READY') return 'stop';
    if (role.promoting || this.waking.has(role.id)) return 'keep';
    // Asleep and nobody wakes it: what a crash between the sleep statement and the stop left running.
    if (role.asleep) return role.waking ? 'keep' : 'stop';
    if (role.target === 'PRODUCTION' && !role.live && role.aliasMovedAt && now - role.aliasMovedAt.getTime() >= this.cfg.drainSeconds * 1000) return 'stop';
    const idle = this.idleSeconds(role);
    if (idle > 0 && role.idleSince && now - role.idleSince.getTime() >= idle * 1000) return 'sleep';
    return 'keep';
  }

  /** The project's idleTimeoutSeconds; unset: the platform default for previews, never for production; 0: never. */
  private idleSeconds(role: AppRole): number {
    return role.idleTimeoutSeconds ?? (role.target === 'PREVIEW' ? this.apps.defaults.previewIdleTimeoutSeconds : 0);
  }

  /** A READY deployment running as it should, not being started by anyone: its addresses are the edge's to know. */
  private settled(role: AppRole): boolean {
    return role.status === 'READY' && !role.promoting && !role.asleep && !role.waking && !this.waking.has(role.id) && !this.promoting.has(role.id);
  }

  /**
   * The runtime replaced an instance (a crash restart on a new address, or one that went away):
   * the edge gets the complete new set. Not while none runs (that is a crash, not idleness).
   */
  private async announceMoved(deploymentId: string, instances: AppInstance[], before: string[] | undefined): Promise<void> {
    if (!before) return;
    const now = instances.filter((i) => i.state === 'running' && i.address).map((i) => i.address!).sort();
    if (now.length === 0 || now.join(',') === before.join(',')) return;
    if (await this.deployments.upstreamsChanged({ id: deploymentId, projectId: instances[0].projectId }, now)) {
      this.logger.log({ deploymentId, upstreams: now, before }, 'app instances moved: upstreams announced');
    }
  }

  /** Stops an idle deployment's instances (it was marked asleep, and the edge told, in one statement); a wake here waits for it. */
  private async putToSleep(deploymentId: string): Promise<void> {
    const stopping = (async () => {
      await this.runtime.stop(deploymentId, this.cfg.stopGraceSeconds);
      await this.records.markAsleep(deploymentId);
      this.logger.log({ deploymentId }, 'app idle: asleep');
    })();
    this.sleeping.set(deploymentId, stopping);
    try {
      await stopping;
    } finally {
      this.sleeping.delete(deploymentId);
    }
  }

  /**
   * A request reached an edge for an asleep deployment (DeploymentWakeRequested.v1, repeated while
   * requests wait): one orchestrator claims the wake (a single statement; the others and the
   * repeats find it claimed) and starts it in the background.
   */
  async wake(deploymentId: string): Promise<boolean> {
    if (this.stopped || this.waking.has(deploymentId)) return false;
    const claim = await this.deployments.claimWake(this.cfg.instanceId, deploymentId, this.cfg.healthTimeoutSeconds + 60);
    if (!claim) return false;
    const done = (async () => {
      await this.sleeping.get(deploymentId)?.catch(() => undefined);
      const outcome = await this.launcher.wake(this.cfg.instanceId, claim);
      this.logger.log({ deploymentId, outcome }, 'wake ended');
    })()
      .catch((err) => this.logger.error({ deploymentId, err: String(err) }, 'wake failed'))
      .finally(() => this.waking.delete(deploymentId));
    this.waking.set(deploymentId, done);
    return true;
  }

  private crashedTooOften(deploymentId: string, instances: AppInstance[], now: number): boolean {
    const window = this.cfg.crashWindowSeconds * 1000;
    const times = (this.crashes.get(deploymentId) ?? []).filter((t) => now - t < window);
    for (const i of instances) {
      const seen = this.restartsSeen.get(i.id);
      if (seen !== undefined && i.restarts > seen) for (let n = seen; n < i.restarts; n++) times.push(now);
      this.restartsSeen.set(i.id, i.restarts);
    }
    this.crashes.set(deploymentId, times);
    return times.length >= this.cfg.crashLimit;
  }

  private async crash(deploymentId: string): Promise<void> {
    const ctx = await this.deployments.buildContext(deploymentId);
    if (!ctx) return;
    // The app's own output may print its env: the project's secrets are masked out of the message.
    const secrets = await this.environment.load(ctx.projectId, ctx.target).then((e) => e.secrets, () => []);
    const tail = new SecretMask(secrets).apply((await this.runtime.logTail(deploymentId, TAIL_LINES).catch(() => [])).join('\n'));
    const message =
      `The app crashed ${this.cfg.crashLimit} times within ${this.cfg.crashWindowSeconds} s and was stopped.` + (tail ? `\nLast log lines:\n${tail}` : ' It printed nothing.');
    if (await this.deployments.crashed(ctx, { code: 'CRASH_LOOP', message })) this.logger.warn({ deploymentId }, 'app crashed repeatedly: CRASHED');
  }

  private forget(deploymentId: string, instances: AppInstance[]): void {
    this.crashes.delete(deploymentId);
    for (const i of instances) this.restartsSeen.delete(i.id);
  }
}
