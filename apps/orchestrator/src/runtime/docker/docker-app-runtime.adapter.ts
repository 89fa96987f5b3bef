import Docker from 'dockerode';
import { Logger } from '@nestjs/common';
import { BuildNetworkFirewall, hostNameservers } from '../../runner/docker/build-network.firewall';
import { DockerLogFrames } from '../../runner/docker/docker-log-frames';
import { AppStartError, type AppInstance, type AppRuntime, type AppSpec, type InstanceState } from '../app-runtime.port';

export interface DockerAppRuntimeOptions {
  /** The apps' own bridge network, created with inter-container traffic off when missing. */
  network: string;
  /** This installation's label value (APP_SCOPE): only containers carrying it are listed, adopted or stopped. */
  scope: string;
  /** json-file log size the engine keeps per instance. */
  logMaxBytes?: number;
  tmpfsMb?: number;
  /** Only for tests: an engine other than the default. */
  docker?: Docker;
  /**
   * The build network's firewall rules (BuildNetworkFirewall) on the apps' bridge, so an app cannot
   * reach the host's services, the private ranges or the cloud metadata. They stay when the
   * orchestrator stops: the apps keep running.
   */
  firewall?: { instanceId: string; iptables?: string };
}

/** The uid an app runs as when its image names no user, or root. */
export const APP_UID = 10001;
const LABEL = {
  role: 'io.deploysphere.role',
  scope: 'io.deploysphere.scope',
  deployment: 'io.deploysphere.deployment-id',
  project: 'io.deploysphere.project-id',
  replica: 'io.deploysphere.replica',
  port: 'io.deploysphere.app-port',
} as const;
const ROLE_APP = 'app';

export const appContainerName = (deploymentId: string, replica: number) => `ds-app-${deploymentId}-${replica}`;

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number })?.statusCode;
const ignore = (...codes: number[]) => (err: unknown) => {
  if (!codes.includes(statusOf(err) ?? -1)) throw err;
};
const ROOT_USERS = new Set(['', 'root', '0', '0:0', 'root:root']);

/**
 * Server apps as containers on the local engine, hardened like builds: non-root (uid 10001 when
 * the image would run as root), every capability dropped, no-new-privileges, read-only root with a
 * tmpfs /tmp, memory (no swap) / CPU / pids limits, `--init`, no published port. They sit on their
 * own bridge network with inter-container traffic off, behind the build network's firewall rules
 * (no host services, no private ranges, no metadata); the edge and the health checks reach them at
 * their address on that network. The engine restarts a crashed instance with its own backoff
 * (restart policy `unless-stopped`), so an orchestrator restart leaves apps running: instances are
 * found again by their labels.
 */
export class DockerAppRuntime implements AppRuntime {
  readonly kind = 'docker' as const;
  readonly isolated = true;
  private readonly logger = new Logger('DockerAppRuntime');
  private readonly docker: Docker;
  private networkReady?: Promise<void>;
  private firewall?: BuildNetworkFirewall;

  constructor(private readonly options: DockerAppRuntimeOptions) {
    this.docker = options.docker ?? new Docker();
  }

  async start(spec: AppSpec): Promise<AppInstance[]> {
    if (spec.artifact.kind !== 'image') throw new AppStartError('The docker runtime runs images; this deployment has none');
    const image = spec.artifact.ref;
    let user: string;
    try {
      const info = await this.docker.getImage(image).inspect();
      user = ROOT_USERS.has(info.Config?.User ?? '') ? `${APP_UID}:${APP_UID}` : info.Config.User;
    } catch (err) {
      throw new AppStartError(statusOf(err) === 404 ? `The image ${image} does not exist on the engine` : `The Docker engine does not answer: ${(err as Error).message}`, {
        cause: err,
      });
    }
    await this.ensureNetwork();
    const existing = await this.containersOf(spec.deploymentId);
    for (let replica = 0; replica < spec.replicas; replica++) {
      const found = existing.find((c) => Number(c.Labels[LABEL.replica]) === replica);
      if (found && (found.State === 'running' || found.State === 'restarting')) continue;
      if (found) await this.docker.getContainer(found.Id).remove({ force: true }).catch(ignore(404, 409));
      await this.create(spec, image, user, replica);
    }
    return this.instances(spec.deploymentId);
  }

  private async create(spec: AppSpec, image: string, user: string, replica: number): Promise<void> {
    const memory = spec.limits.memoryMb * 1024 * 1024;
    const env = { ...spec.env, PORT: String(spec.port) };
    const config: Docker.ContainerCreateOptions = {
      name: appContainerName(spec.deploymentId, replica),
      Image: image,
      User: user,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      ...(spec.startCommand ? { Cmd: ['/bin/sh', '-c', spec.startCommand] } : {}),
      Labels: {
        [LABEL.role]: ROLE_APP,
        [LABEL.scope]: this.options.scope,
        [LABEL.deployment]: spec.deploymentId,
        [LABEL.project]: spec.projectId,
        [LABEL.replica]: String(replica),
        [LABEL.port]: String(spec.port),
      },
      StopTimeout: 10,
      HostConfig: {
        Init: true,
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${this.options.tmpfsMb ?? 64}m` },
        SecurityOpt: ['no-new-privileges'],
        CapDrop: ['ALL'],
        Privileged: false,
        Memory: memory,
        MemorySwap: memory,
        NanoCpus: Math.round(spec.limits.cpus * 1e9),
        PidsLimit: spec.limits.pids,
        NetworkMode: this.options.network,
        PortBindings: {},
        PublishAllPorts: false,
        RestartPolicy: { Name: 'unless-stopped' },
        LogConfig: { Type: 'json-file', Config: { 'max-size': `${Math.max(1, Math.ceil((this.options.logMaxBytes ?? 10_485_760) / 1024))}k`, 'max-file': '1' } },
      },
    };
    try {
      const container = await this.docker.createContainer(config);
      await container.start();
    } catch (err) {
      await this.docker.getContainer(appContainerName(spec.deploymentId, replica)).remove({ force: true }).catch(() => undefined);
      throw new AppStartError(`Docker could not start the app: ${(err as Error).message}`, { cause: err });
    }
  }

  async instances(deploymentId?: string): Promise<AppInstance[]> {
    const labels = [`${LABEL.role}=${ROLE_APP}`, `${LABEL.scope}=${this.options.scope}`, ...(deploymentId ? [`${LABEL.deployment}=${deploymentId}`] : [])];
    const containers = await this.docker.listContainers({ all: true, filters: { label: labels } });
    const found = await Promise.all(
      containers.map(async (c): Promise<AppInstance | undefined> => {
        const info = await this.docker
          .getContainer(c.Id)
          .inspect()
          .catch(() => undefined);
        if (!info) return undefined;
        const ip = info.NetworkSettings.Networks?.[this.options.network]?.IPAddress;
        const state = stateOf(info.State);
        return {
          id: info.Id,
          deploymentId: c.Labels[LABEL.deployment],
          projectId: c.Labels[LABEL.project],
          replica: Number(c.Labels[LABEL.replica]) || 0,
          address: ip && state === 'running' ? `${ip}:${c.Labels[LABEL.port]}` : null,
          state,
          restarts: info.RestartCount ?? 0,
          startedAt: state === 'running' && info.State.StartedAt ? new Date(info.State.StartedAt) : null,
        };
      }),
    );
    return found.filter((i): i is AppInstance => i !== undefined).sort((a, b) => a.deploymentId.localeCompare(b.deploymentId) || a.replica - b.replica);
  }

  async stop(deploymentId: string, graceSeconds: number): Promise<void> {
    const containers = await this.containersOf(deploymentId);
    await Promise.all(
      containers.map(async (c) => {
        const container = this.docker.getContainer(c.Id);
        await container.stop({ t: Math.max(0, Math.round(graceSeconds)) }).catch(ignore(304, 404));
        await container.remove({ force: true }).catch(ignore(404, 409));
      }),
    );
  }

  async stopProject(projectId: string): Promise<void> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=${ROLE_APP}`, `${LABEL.scope}=${this.options.scope}`, `${LABEL.project}=${projectId}`] } });
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(ignore(404, 409))));
  }

  async logTail(deploymentId: string, lines: number): Promise<string[]> {
    const containers = await this.containersOf(deploymentId);
    const collected: Array<{ ts: string; message: string }> = [];
    for (const c of containers) {
      const raw = (await this.docker
        .getContainer(c.Id)
        .logs({ stdout: true, stderr: true, tail: lines, timestamps: true, follow: false })
        .catch(() => Buffer.alloc(0))) as unknown as Buffer;
      const frames = new DockerLogFrames((l) => collected.push({ ts: l.ts, message: l.message }));
      frames.push(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
      frames.end();
    }
    return collected
      .sort((a, b) => a.ts.localeCompare(b.ts))
      .slice(-lines)
      .map((l) => l.message);
  }

  /** The apps' Linux bridge. */
  async bridgeOf(): Promise<string> {
    const info = (await this.docker.getNetwork(this.options.network).inspect()) as { Id: string; Options?: Record<string, string> };
    return info.Options?.['com.docker.network.bridge.name'] || `br-${info.Id.slice(0, 12)}`;
  }

  private containersOf(deploymentId: string): Promise<Docker.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=${ROLE_APP}`, `${LABEL.scope}=${this.options.scope}`, `${LABEL.deployment}=${deploymentId}`] } });
  }

  private ensureNetwork(): Promise<void> {
    this.networkReady ??= (async () => {
      const existing = await this.docker.listNetworks({ filters: { name: [this.options.network] } });
      if (!existing.some((n) => n.Name === this.options.network)) {
        await this.docker
          .createNetwork({ Name: this.options.network, Driver: 'bridge', Options: { 'com.docker.network.bridge.enable_icc': 'false' }, Labels: { [LABEL.role]: 'app-network' } })
          .catch(ignore(409));
      }
      const wanted = this.options.firewall;
      if (!wanted) return;
      if (!(this.docker.modem as { socketPath?: string }).socketPath) {
        this.logger.warn({ network: this.options.network }, "the engine is remote: the app network's firewall must be set on its host (docs/apps.md)");
        return;
      }
      // An app may only start behind the rules: a failure here fails the start.
      this.firewall ??= new BuildNetworkFirewall({ bridge: await this.bridgeOf(), instanceId: wanted.instanceId, iptables: wanted.iptables, allow: { dns: await hostNameservers() } });
      await this.firewall.install();
    })().catch((err) => {
      this.networkReady = undefined;
      throw new AppStartError(`Could not prepare the app network ${this.options.network}: ${(err as Error).message}`, { cause: err });
    });
    return this.networkReady;
  }
}

function stateOf(state: { Status: string; Restarting?: boolean }): InstanceState {
  if (state.Restarting || state.Status === 'restarting') return 'restarting';
  switch (state.Status) {
    case 'created':
      return 'starting';
    case 'running':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'stopped';
  }
}

