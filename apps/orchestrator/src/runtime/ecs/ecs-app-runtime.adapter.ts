import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  type Tag,
  type Task,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { Logger } from '@nestjs/common';
import { fargateSize } from '../../runner/ecs/fargate-size';
import { AppStartError, type AppInstance, type AppRuntime, type AppSpec, type InstanceState } from '../app-runtime.port';

export interface EcsAppRuntimeOptions {
  cluster: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  /** Role ECS pulls the image from ECR and writes the awslogs stream with. */
  executionRoleArn: string;
  /** The app's own AWS role; unset: the app has none. */
  taskRoleArn?: string;
  /** awslogs group of the app containers (created by ECS when missing). */
  logGroup: string;
  region: string;
  /** This installation's tag value (APP_SCOPE): only services carrying it are listed, adopted or stopped. */
  scope: string;
  /** SIGTERM → SIGKILL (the container's stopTimeout; Fargate allows at most 120 s). */
  stopGraceSeconds: number;
  ecs: ECSClient;
  /** Reads the instances' output for logTail; unset: no lines. */
  logs?: CloudWatchLogsClient;
}

/** The app's container in every task definition. */
export const ECS_APP_CONTAINER = 'app';
/** awslogs stream prefix: a task's stream is `app/app/<task id>`. */
const LOG_STREAM_PREFIX = 'app';
const APP_UID = 10001;
const TAG = {
  role: 'deploysphere:role',
  scope: 'deploysphere:scope',
  deployment: 'deploysphere:deployment-id',
  project: 'deploysphere:project-id',
  port: 'deploysphere:app-port',
} as const;
const ROLE_APP = 'app';
/** A stopped task with one of these codes was stopped on purpose (scale-in, replacement, StopTask), not by a crash. */
const NOT_A_CRASH = new Set(['ServiceSchedulerInitiated', 'UserInitiated', 'SpotInterruption', 'TerminationNotice']);

const named = (err: unknown, ...names: string[]) => names.includes((err as Error)?.name ?? '');
const tagOf = (tags: Tag[] | undefined, key: string) => tags?.find((t) => t.key === key)?.value;
const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Server apps on AWS Fargate: per live deployment a task definition (awsvpc, the image by digest,
 * the size mapped to a valid Fargate size, the app's variables and PORT in the container's
 * environment, awslogs) and a service of `replicas` tasks in the configured subnets and security
 * groups. The ECS service scheduler replaces a task that exits; instance addresses are the tasks'
 * ENI private IPs. Services and task definitions carry the deployment and the installation's scope
 * in tags, so a restarted orchestrator finds them again: nothing is kept in memory.
 */
export class EcsAppRuntime implements AppRuntime {
  readonly kind = 'ecs' as const;
  readonly isolated = true;
  private readonly logger = new Logger('EcsAppRuntime');

  constructor(private readonly options: EcsAppRuntimeOptions) {}

  /** Service name and task definition family of a deployment. */
  nameOf(deploymentId: string): string {
    return `ds-${this.options.scope}-${deploymentId}`.replace(/[^A-Za-z0-9_-]/g, '-');
  }

  async start(spec: AppSpec): Promise<AppInstance[]> {
    const ref = spec.artifact.kind === 'image' ? spec.artifact.ref : '';
    if (!/^[^@\s]+\/[^@\s]+@sha256:[0-9a-f]{64}$/.test(ref)) {
      throw new AppStartError('The ecs runtime runs an image by digest from the registry (REGISTRY_KIND=ecr); this deployment has none');
    }
    const name = this.nameOf(spec.deploymentId);
    const existing = await this.describe(name);
    if (existing?.status === 'ACTIVE') {
      if (existing.desiredCount !== spec.replicas) {
        await this.options.ecs.send(new UpdateServiceCommand({ cluster: this.options.cluster, service: name, desiredCount: spec.replicas }));
      }
      return this.instances(spec.deploymentId);
    }
    if (existing?.status === 'DRAINING') {
      throw new AppStartError('ECS is still draining the previous service of this deployment; start it again once its tasks stopped');
    }
    const tags = [
      { key: TAG.role, value: ROLE_APP },
      { key: TAG.scope, value: this.options.scope },
      { key: TAG.deployment, value: spec.deploymentId },
      { key: TAG.project, value: spec.projectId },
      { key: TAG.port, value: String(spec.port) },
    ];
    let taskDefinitionArn: string | undefined;
    try {
      const size = fargateSize(spec.limits.cpus, spec.limits.memoryMb);
      const env = { ...spec.env, PORT: String(spec.port) };
      const registered = await this.options.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: name,
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: size.cpu,
          memory: size.memory,
          runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
          executionRoleArn: this.options.executionRoleArn,
          ...(this.options.taskRoleArn ? { taskRoleArn: this.options.taskRoleArn } : {}),
          volumes: [{ name: 'tmp' }],
          containerDefinitions: [
            {
              name: ECS_APP_CONTAINER,
              image: ref,
              essential: true,
              // The project's own limit inside the (rounded-up) Fargate size, as the docker runtime enforces it.
              memory: Math.min(spec.limits.memoryMb, Number(size.memory)),
              user: `${APP_UID}:${APP_UID}`,
              readonlyRootFilesystem: true,
              mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp' }],
              linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
              ulimits: [{ name: 'nproc', softLimit: spec.limits.pids, hardLimit: spec.limits.pids }],
              portMappings: [{ containerPort: spec.port, protocol: 'tcp' }],
              environment: Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
              ...(spec.startCommand ? { command: ['/bin/sh', '-c', spec.startCommand] } : {}),
              stopTimeout: Math.min(120, Math.max(2, Math.round(this.options.stopGraceSeconds))),
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': this.options.logGroup,
                  'awslogs-region': this.options.region,
                  'awslogs-stream-prefix': LOG_STREAM_PREFIX,
                  'awslogs-create-group': 'true',
                },
              },
            },
          ],
          tags,
        }),
      );
      taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn;
      if (!taskDefinitionArn) throw new Error('ECS returned no task definition');
      await this.options.ecs.send(
        new CreateServiceCommand({
          cluster: this.options.cluster,
          serviceName: name,
          taskDefinition: taskDefinitionArn,
          desiredCount: spec.replicas,
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: this.options.subnets,
              securityGroups: this.options.securityGroups.length ? this.options.securityGroups : undefined,
              assignPublicIp: this.options.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
          deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
          propagateTags: 'SERVICE',
          tags,
        }),
      );
    } catch (err) {
      // No half-made deployment: what was registered goes.
      await this.removeTaskDefinitions(name).catch(() => undefined);
      throw new AppStartError(`ECS could not start the app: ${(err as Error).message}`, { cause: err });
    }
    return this.instances(spec.deploymentId);
  }

  async instances(deploymentId?: string): Promise<AppInstance[]> {
    const services = deploymentId ? [await this.describe(this.nameOf(deploymentId))].filter((s): s is Service => s !== undefined) : await this.listServices();
    const mine = services.filter((s) => s.status !== 'INACTIVE' && tagOf(s.tags, TAG.scope) === this.options.scope && tagOf(s.tags, TAG.role) === ROLE_APP);
    if (mine.length === 0) return [];
    const tasks = await this.tasksOf(mine.map((s) => s.serviceName!));
    return mine.flatMap((s) => this.instancesOf(s, tasks.get(`service:${s.serviceName}`) ?? [])).sort((a, b) => a.deploymentId.localeCompare(b.deploymentId) || a.replica - b.replica);
  }

  /**
   * The service's tasks as instances, replica k being the k-th oldest active task. Missing replicas
   * are listed without an address (starting, or restarting once a task crashed), and a service
   * scaled to zero but not yet deleted (a stop interrupted) as one stopped instance, so the
   * supervisor sees it and finishes the stop. A crash is a stopped task whose stop code is not
   * the scheduler's or a StopTask; the count is reported on replica 0.
   */
  private instancesOf(service: Service, tasks: Task[]): AppInstance[] {
    const deploymentId = tagOf(service.tags, TAG.deployment) ?? '';
    const projectId = tagOf(service.tags, TAG.project) ?? '';
    const port = tagOf(service.tags, TAG.port) ?? '';
    const since = service.createdAt?.getTime() ?? 0;
    const active = tasks
      .filter((t) => t.desiredStatus !== 'STOPPED' && t.lastStatus !== 'STOPPED')
      .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || (a.taskArn ?? '').localeCompare(b.taskArn ?? ''));
    const crashes = tasks.filter((t) => (t.desiredStatus === 'STOPPED' || t.lastStatus === 'STOPPED') && !NOT_A_CRASH.has(t.stopCode ?? '') && (t.createdAt?.getTime() ?? since) >= since).length;
    const slots = Math.max(service.desiredCount ?? 0, active.length, 1);
    const out: AppInstance[] = [];
    for (let replica = 0; replica < slots; replica++) {
      const task = active[replica];
      const base = { id: `ecs:${service.serviceName}:${replica}`, deploymentId, projectId, replica, restarts: replica === 0 ? crashes : 0 };
      if (!task) {
        const state: InstanceState = (service.desiredCount ?? 0) === 0 ? 'stopped' : crashes > 0 ? 'restarting' : 'starting';
        out.push({ ...base, address: null, state, startedAt: null });
        continue;
      }
      const state = stateOf(task.lastStatus);
      const ip = task.attachments
        ?.find((a) => a.type === 'ElasticNetworkInterface')
        ?.details?.find((d) => d.name === 'privateIPv4Address')?.value;
      out.push({ ...base, address: state === 'running' && ip ? `${ip}:${port}` : null, state, startedAt: state === 'running' ? (task.startedAt ?? task.createdAt ?? null) : null });
    }
    return out;
  }

  /** Scale to zero (ECS sends SIGTERM, then SIGKILL after the container's stopTimeout), delete the service, deregister and delete the task definitions. Idempotent. */
  async stop(deploymentId: string): Promise<void> {
    const name = this.nameOf(deploymentId);
    const service = await this.describe(name);
    if (service && service.status !== 'INACTIVE') {
      if (tagOf(service.tags, TAG.scope) !== this.options.scope) return;
      await this.options.ecs.send(new UpdateServiceCommand({ cluster: this.options.cluster, service: name, desiredCount: 0 })).catch((err: unknown) => {
        if (!named(err, 'ServiceNotActiveException', 'ServiceNotFoundException')) throw err;
      });
      await this.options.ecs.send(new DeleteServiceCommand({ cluster: this.options.cluster, service: name, force: true })).catch((err: unknown) => {
        if (!named(err, 'ServiceNotActiveException', 'ServiceNotFoundException')) throw err;
      });
    }
    await this.removeTaskDefinitions(name);
  }

  async stopProject(projectId: string): Promise<void> {
    const services = (await this.listServices()).filter((s) => s.status !== 'INACTIVE' && tagOf(s.tags, TAG.scope) === this.options.scope && tagOf(s.tags, TAG.project) === projectId);
    for (const s of services) await this.stop(tagOf(s.tags, TAG.deployment)!);
  }

  /** The last lines of the deployment's tasks' awslogs streams (the newest ten tasks, stopped ones included), oldest first. */
  async logTail(deploymentId: string, lines: number): Promise<string[]> {
    const logs = this.options.logs;
    if (!logs) return [];
    const name = this.nameOf(deploymentId);
    const tasks = ((await this.tasksOf([name])).get(`service:${name}`) ?? []).sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)).slice(0, 10);
    const events: Array<{ ts: number; message: string }> = [];
    for (const t of tasks) {
      const taskId = t.taskArn!.slice(t.taskArn!.lastIndexOf('/') + 1);
      const page = await logs
        .send(new GetLogEventsCommand({ logGroupName: this.options.logGroup, logStreamName: `${LOG_STREAM_PREFIX}/${ECS_APP_CONTAINER}/${taskId}`, limit: lines, startFromHead: false }))
        .catch((err: unknown) => {
          if (!named(err, 'ResourceNotFoundException')) this.logger.warn({ deploymentId, err: String(err) }, 'reading an app log stream failed');
          return undefined;
        });
      for (const e of page?.events ?? []) events.push({ ts: e.timestamp ?? 0, message: (e.message ?? '').replace(/\n$/, '') });
    }
    return events
      .sort((a, b) => a.ts - b.ts)
      .slice(-lines)
      .map((e) => e.message);
  }

  private async describe(name: string): Promise<Service | undefined> {
    const out = await this.options.ecs.send(new DescribeServicesCommand({ cluster: this.options.cluster, services: [name], include: ['TAGS'] }));
    return out.services?.find((s) => s.serviceName === name);
  }

  private async listServices(): Promise<Service[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.ecs.send(new ListServicesCommand({ cluster: this.options.cluster, launchType: 'FARGATE', nextToken }));
      arns.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const prefix = `ds-${this.options.scope}-`;
    const ours = arns.filter((arn) => arn.slice(arn.lastIndexOf('/') + 1).startsWith(prefix));
    const described: Service[] = [];
    for (const batch of chunks(ours, 10)) {
      const out = await this.options.ecs.send(new DescribeServicesCommand({ cluster: this.options.cluster, services: batch, include: ['TAGS'] }));
      described.push(...(out.services ?? []));
    }
    return described;
  }

  /**
   * The tasks of these services, running and recently stopped, by group (`service:<name>`). One
   * service is asked by name; several by listing the cluster once. The group is checked either
   * way, so tasks of other services or of builds in the same cluster never count.
   */
  private async tasksOf(serviceNames: string[]): Promise<Map<string, Task[]>> {
    const { ecs, cluster } = this.options;
    const arns = new Set<string>();
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTasksCommand({ cluster, desiredStatus, nextToken, ...(serviceNames.length === 1 ? { serviceName: serviceNames[0] } : {}) }));
        for (const arn of page.taskArns ?? []) arns.add(arn);
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const groups = new Set(serviceNames.map((n) => `service:${n}`));
    const byGroup = new Map<string, Task[]>();
    for (const batch of chunks([...arns], 100)) {
      const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
      for (const t of out.tasks ?? []) {
        if (!t.group || !groups.has(t.group)) continue;
        byGroup.set(t.group, [...(byGroup.get(t.group) ?? []), t]);
      }
    }
    return byGroup;
  }

  /** Every revision of the family: deregistered (no new task starts from it), then deleted. */
  private async removeTaskDefinitions(family: string): Promise<void> {
    const { ecs } = this.options;
    const arns: string[] = [];
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status, nextToken }));
        arns.push(...(page.taskDefinitionArns ?? []).filter((arn) => arn.slice(arn.lastIndexOf('/') + 1).split(':')[0] === family));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    for (const arn of arns) {
      await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })).catch((err: unknown) => {
        if (!named(err, 'ClientException', 'InvalidParameterException', 'TaskDefinitionNotFoundException')) throw err;
      });
    }
    for (const batch of chunks(arns, 10)) await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch }));
  }
}

function stateOf(lastStatus: string | undefined): InstanceState {
  switch (lastStatus) {
    case 'RUNNING':
      return 'running';
    case 'PROVISIONING':
    case 'PENDING':
    case 'ACTIVATING':
      return 'starting';
    default:
      return 'stopped';
  }
}
