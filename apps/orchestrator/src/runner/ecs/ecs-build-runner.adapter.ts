import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeClustersCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { extractArchive, packDirectory, readSmall } from '../archive';
import { OutputTooLargeError, RunnerUnavailableError } from '../build-failure';
import type { BuildOutcome, BuildRunner, BuildSpec, KnownBuild, LineListener, ReattachSpec, RunningBuild } from '../build-runner.port';
import { builderEnvironment } from '../builder-env';
import { LineSplitter } from '../line-splitter';
import { ecsTaskEnd } from './ecs-task-outcome';
import { fargateSize } from './fargate-size';

export interface EcsRunnerOptions {
  cluster: string;
  /** family[:revision] or ARN of the builder task definition (deploy/ecs/builder-task-definition.json). */
  taskDefinition: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  containerName: string;
  /** awslogs group of the builder container; unset: no live lines (the outcome still arrives). */
  logGroup?: string;
  logStreamPrefix: string;
  /** Where sources go in and outputs come back (presigned URLs: the task needs no AWS rights). */
  transferBucket: string;
  transferPrefix?: string;
  /** How long the task may take to fetch its source and env after RunTask. */
  fetchUrlSeconds?: number;
  /** DescribeTasks backoff: starts at minMs, doubles to maxMs (and back to minMs after a stop). */
  pollMinMs?: number;
  pollMaxMs?: number;
  logPollMs?: number;
  ecs: ECSClient;
  s3: S3Client;
  logs?: CloudWatchLogsClient;
}

const REF_PREFIX = 'ecs:';
const TAG = { deployment: 'deploysphere:deployment-id', project: 'deploysphere:project-id', seqBase: 'deploysphere:log-seq-base', timeout: 'deploysphere:timeout-seconds' } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isNotFound = (err: unknown) => ['NoSuchKey', 'NotFound', 'ResourceNotFoundException'].includes((err as { name?: string })?.name ?? '');

/**
 * Builds as AWS Fargate tasks of the builder task definition (RunTask with command/env and size
 * overrides), followed by DescribeTasks polling with backoff and stopped with StopTask on cancel
 * or timeout. The task has no AWS permissions of its own: its source, its env (secrets included,
 * so they never appear in the task's overrides) and the place to put its output are S3 objects
 * reached through presigned URLs, which deploy/ecs/task-entrypoint.sh uses. Lines come from the
 * awslogs stream of the builder container. Task ARNs and tags let a restarted orchestrator find
 * and follow a build. docs/builds.md ("ECS") has the whole design.
 */
export class EcsBuildRunner implements BuildRunner {
  readonly kind = 'ecs' as const;
  readonly isolated = true;
  private readonly logger = new Logger('EcsBuildRunner');
  private readonly prefix: string;
  private readyAt = 0;

  constructor(private readonly options: EcsRunnerOptions) {
    this.prefix = (options.transferPrefix ?? 'build-transfer').replace(/\/+$/, '');
  }

  /** The cluster is ACTIVE (a positive answer is reused for 30 s: the scheduler asks on every pass). */
  async isReady(): Promise<boolean> {
    if (Date.now() - this.readyAt < 30_000) return true;
    try {
      const out = await this.options.ecs.send(new DescribeClustersCommand({ clusters: [this.options.cluster] }));
      const ready = out.clusters?.some((c) => c.status === 'ACTIVE') ?? false;
      if (ready) this.readyAt = Date.now();
      return ready;
    } catch {
      return false;
    }
  }

  async start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild> {
    const keys = this.keysOf(spec.deploymentId);
    const { s3, ecs } = this.options;
    const bucket = this.options.transferBucket;
    let taskArn: string;
    try {
      await new Upload({
        client: s3,
        params: { Bucket: bucket, Key: keys.source, Body: packDirectory(spec.sourceDir, { prefix: '.' }).pipe(createGzip()), ContentType: 'application/gzip' },
      }).done();
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: keys.env,
          Body: JSON.stringify(builderEnvironment(spec)),
          ContentType: 'application/json',
          ServerSideEncryption: 'AES256',
        }),
      );
      const fetchSeconds = this.options.fetchUrlSeconds ?? 900;
      const putSeconds = Math.min(604_800, spec.limits.timeoutSeconds + fetchSeconds);
      const url = (command: GetObjectCommand | PutObjectCommand, expiresIn: number) => getSignedUrl(s3, command, { expiresIn });
      const environment = [
        { name: 'DEPLOYSPHERE_SOURCE_URL', value: await url(new GetObjectCommand({ Bucket: bucket, Key: keys.source }), fetchSeconds) },
        { name: 'DEPLOYSPHERE_ENV_URL', value: await url(new GetObjectCommand({ Bucket: bucket, Key: keys.env }), fetchSeconds) },
        { name: 'DEPLOYSPHERE_OUTPUT_URL', value: await url(new PutObjectCommand({ Bucket: bucket, Key: keys.output }), putSeconds) },
        { name: 'DEPLOYSPHERE_RESULT_URL', value: await url(new PutObjectCommand({ Bucket: bucket, Key: keys.result }), putSeconds) },
      ];
      const size = fargateSize(spec.limits.cpus, spec.limits.memoryMb);
      const out = await ecs.send(
        new RunTaskCommand({
          cluster: this.options.cluster,
          taskDefinition: this.options.taskDefinition,
          launchType: 'FARGATE',
          count: 1,
          startedBy: spec.deploymentId,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: this.options.subnets,
              securityGroups: this.options.securityGroups.length ? this.options.securityGroups : undefined,
              assignPublicIp: this.options.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
          overrides: { cpu: size.cpu, memory: size.memory, containerOverrides: [{ name: this.options.containerName, environment }] },
          tags: [
            { key: TAG.deployment, value: spec.deploymentId },
            { key: TAG.project, value: spec.projectId },
            { key: TAG.seqBase, value: String(spec.logSeqBase) },
            { key: TAG.timeout, value: String(spec.limits.timeoutSeconds) },
          ],
        }),
      );
      const task = out.tasks?.[0];
      if (!task?.taskArn) {
        const why = out.failures?.map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`).join('; ') || 'no task returned';
        throw new Error(why);
      }
      taskArn = task.taskArn;
    } catch (err) {
      await this.deleteTransfer(spec.deploymentId).catch(() => undefined);
      throw new RunnerUnavailableError(`ECS could not start the build: ${(err as Error).message}`, { cause: err });
    }
    return this.follow(taskArn, {
      deploymentId: spec.deploymentId,
      startedAt: Date.now(),
      timeoutSeconds: spec.limits.timeoutSeconds,
      logSeqBase: spec.logSeqBase,
      outputDir: spec.outputDir,
      outputMaxBytes: spec.limits.outputMaxBytes,
      onLine,
    });
  }

  async reattach(spec: ReattachSpec, onLine: LineListener): Promise<RunningBuild | undefined> {
    const task = await this.findTask(spec.deploymentId, spec.runnerRef);
    if (!task?.taskArn) return undefined;
    const tag = (key: string) => task.tags?.find((t) => t.key === key)?.value;
    return this.follow(task.taskArn, {
      deploymentId: spec.deploymentId,
      startedAt: (task.createdAt ?? new Date()).getTime(),
      timeoutSeconds: Number(tag(TAG.timeout)) || 900,
      logSeqBase: Number(tag(TAG.seqBase)) || 1,
      outputDir: spec.outputDir,
      outputMaxBytes: spec.outputMaxBytes,
      onLine,
    });
  }

  async listBuilds(): Promise<KnownBuild[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.ecs.send(new ListTasksCommand({ cluster: this.options.cluster, desiredStatus: 'RUNNING', nextToken }));
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const known: KnownBuild[] = [];
    for (let i = 0; i < arns.length; i += 100) {
      const { tasks } = await this.options.ecs.send(new DescribeTasksCommand({ cluster: this.options.cluster, tasks: arns.slice(i, i + 100), include: ['TAGS'] }));
      for (const t of tasks ?? []) {
        const deploymentId = t.tags?.find((x) => x.key === TAG.deployment)?.value;
        if (deploymentId && t.taskArn) known.push({ deploymentId, runnerRef: `${REF_PREFIX}${t.taskArn}`, running: t.lastStatus !== 'STOPPED' });
      }
    }
    return known;
  }

  async remove(deploymentId: string, runnerRef: string | null): Promise<void> {
    const task = await this.findTask(deploymentId, runnerRef);
    if (task?.taskArn && task.lastStatus !== 'STOPPED') await this.stopTask(task.taskArn, 'DeploySphere: build removed');
    await this.deleteTransfer(deploymentId);
  }

  /** ECS builds keep no per-project state (a cache on EFS would be dropped here). */
  async forgetProject(): Promise<void> {}

  private keysOf(deploymentId: string) {
    const base = `${this.prefix}/${deploymentId}`;
    return { base, source: `${base}/source.tar.gz`, env: `${base}/env.json`, output: `${base}/output.tar.gz`, result: `${base}/result.json` };
  }

  private async findTask(deploymentId: string, runnerRef: string | null): Promise<Task | undefined> {
    const { ecs, cluster } = this.options;
    let arns = runnerRef?.startsWith(REF_PREFIX) ? [runnerRef.slice(REF_PREFIX.length)] : [];
    if (arns.length === 0) {
      for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
        const page = await ecs.send(new ListTasksCommand({ cluster, startedBy: deploymentId, desiredStatus }));
        arns = page.taskArns ?? [];
        if (arns.length) break;
      }
    }
    if (arns.length === 0) return undefined;
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns, include: ['TAGS'] }));
    return tasks?.find((t) => t.tags?.some((x) => x.key === TAG.deployment && x.value === deploymentId));
  }

  private async stopTask(taskArn: string, reason: string): Promise<void> {
    await this.options.ecs.send(new StopTaskCommand({ cluster: this.options.cluster, task: taskArn, reason }));
  }

  private follow(
    taskArn: string,
    run: { deploymentId: string; startedAt: number; timeoutSeconds: number; logSeqBase: number; outputDir: string; outputMaxBytes: number; onLine: LineListener },
  ): RunningBuild {
    const minMs = this.options.pollMinMs ?? 1_000;
    const maxMs = this.options.pollMaxMs ?? 15_000;
    let ended: 'canceled' | 'timed_out' | undefined;
    let detached = false;
    let wake: (() => void) | undefined;
    const stop = async (reason: string) => {
      try {
        await this.stopTask(taskArn, reason);
      } catch (err) {
        this.logger.warn({ deploymentId: run.deploymentId, taskArn, err: String(err) }, 'StopTask failed; the next poll retries');
      }
      wake?.();
    };
    const timer = setTimeout(
      () => {
        ended ??= 'timed_out';
        void stop(`DeploySphere: build exceeded ${run.timeoutSeconds} s`);
      },
      Math.max(0, run.startedAt + run.timeoutSeconds * 1000 - Date.now()),
    );
    timer.unref();

    const logs = this.tailLogs(taskArn, run.onLine);
    const outcome = (async (): Promise<BuildOutcome> => {
      try {
        let delay = minMs;
        let task: Task | undefined;
        let failures = 0;
        for (;;) {
          if (detached) throw Object.assign(new Error('detached'), { name: 'Detached' });
          try {
            const out = await this.options.ecs.send(new DescribeTasksCommand({ cluster: this.options.cluster, tasks: [taskArn] }));
            task = out.tasks?.[0];
            failures = 0;
            if (!task) throw Object.assign(new Error(`task ${taskArn} is gone`), { name: 'TaskGone' });
            if (task.lastStatus === 'STOPPED') break;
          } catch (err) {
            if ((err as Error).name === 'TaskGone' || ++failures >= 10) throw err;
          }
          // A cancel or timeout may have stopped it already: look again soon.
          if (ended) delay = minMs;
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, delay).unref();
          });
          wake = undefined;
          delay = Math.min(maxMs, delay * 2);
        }
        clearTimeout(timer);
        logs.stop();
        await logs.done;
        const durationMs = Math.max(0, (task.stoppedAt ?? new Date()).getTime() - (task.startedAt ?? task.createdAt ?? new Date(run.startedAt)).getTime());
        if (ended === 'canceled') return { status: 'canceled', exitCode: null, failureCode: 'CANCELED', failureMessage: 'The build was canceled', durationMs };
        if (ended === 'timed_out') {
          return { status: 'timed_out', exitCode: null, failureCode: 'TIMED_OUT', failureMessage: `The build exceeded its time limit of ${run.timeoutSeconds} s`, durationMs };
        }
        const end = ecsTaskEnd(task, this.options.containerName);
        if (end.kind === 'failed') return { status: 'failed', exitCode: end.exitCode, failureCode: end.failureCode, failureMessage: end.failureMessage, durationMs };
        return { status: 'succeeded', exitCode: 0, durationMs, framework: await this.collect(run) };
      } catch (err) {
        clearTimeout(timer);
        logs.stop();
        const durationMs = Date.now() - run.startedAt;
        if (detached) {
          return { status: 'failed', exitCode: null, failureCode: 'ORCHESTRATOR_RESTARTED', failureMessage: 'The orchestrator stopped following this build', durationMs };
        }
        if (err instanceof OutputTooLargeError) return { status: 'failed', exitCode: 0, failureCode: err.code, failureMessage: err.message, durationMs };
        if ((err as { code?: string }).code === 'OUTPUT_COPY_FAILED') return { status: 'failed', exitCode: 0, failureCode: 'OUTPUT_COPY_FAILED', failureMessage: (err as Error).message, durationMs };
        this.logger.error({ deploymentId: run.deploymentId, taskArn, err: String(err) }, 'ECS build lost');
        return { status: 'failed', exitCode: null, failureCode: 'RUNNER_ERROR', failureMessage: `ECS failed during the build: ${(err as Error).message}`, durationMs };
      }
    })();

    return {
      runnerRef: `${REF_PREFIX}${taskArn}`,
      logSeqBase: run.logSeqBase,
      outcome,
      cancel: async () => {
        ended ??= 'canceled';
        await stop('DeploySphere: build canceled');
      },
      dispose: () => this.deleteTransfer(run.deploymentId),
      detach: () => {
        detached = true;
        clearTimeout(timer);
        logs.stop();
        wake?.();
      },
    };
  }

  /** Downloads the artifact the task uploaded and unpacks it; returns the framework it reported. */
  private async collect(run: { deploymentId: string; outputDir: string; outputMaxBytes: number }): Promise<string | undefined> {
    const keys = this.keysOf(run.deploymentId);
    let body: Readable;
    try {
      const out = await this.options.s3.send(new GetObjectCommand({ Bucket: this.options.transferBucket, Key: keys.output }));
      body = out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw Object.assign(new Error('The ECS build task exited 0 but did not upload its output'), { code: 'OUTPUT_COPY_FAILED' });
      throw err;
    }
    await extractArchive(body.pipe(createGunzip()), run.outputDir, { maxBytes: run.outputMaxBytes });
    try {
      const out = await this.options.s3.send(new GetObjectCommand({ Bucket: this.options.transferBucket, Key: keys.result }));
      const result = JSON.parse(await readSmall(out.Body as Readable, 65_536)) as { framework?: unknown };
      return typeof result.framework === 'string' && result.framework ? result.framework : undefined;
    } catch {
      return undefined;
    }
  }

  /** Follows the container's awslogs stream from its first event until stopped, then drains it. */
  private tailLogs(taskArn: string, onLine: LineListener): { stop(): void; done: Promise<void> } {
    const { logs, logGroup } = this.options;
    let stopped = false;
    if (!logs || !logGroup) return { stop: () => undefined, done: Promise.resolve() };
    const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
    const logStreamName = `${this.options.logStreamPrefix}/${this.options.containerName}/${taskId}`;
    let ts = new Date().toISOString();
    const lines = new LineSplitter((message, continues) => onLine({ stream: 'stdout', message, ts, ...(continues ? { continues } : {}) }));
    const done = (async () => {
      let token: string | undefined;
      let drainPasses = 0;
      for (;;) {
        let got = 0;
        try {
          const page = await logs.send(new GetLogEventsCommand({ logGroupName: logGroup, logStreamName, startFromHead: true, nextToken: token }));
          for (const e of page.events ?? []) {
            ts = new Date(e.timestamp ?? Date.now()).toISOString();
            lines.push(`${e.message ?? ''}\n`);
            got++;
          }
          // CloudWatch returns the same token once the stream is read to its end.
          const next = page.nextForwardToken;
          if (next === token) got = 0;
          token = next;
        } catch (err) {
          if (!isNotFound(err)) this.logger.warn({ taskArn, err: String(err) }, 'reading the build log stream failed');
        }
        if (stopped) {
          if (got === 0 && ++drainPasses >= 2) break;
          continue;
        }
        if (got === 0) await sleep(this.options.logPollMs ?? 2_000);
      }
      lines.end();
    })();
    return { stop: () => void (stopped = true), done };
  }

  private async deleteTransfer(deploymentId: string): Promise<void> {
    const { s3, transferBucket } = this.options;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: transferBucket, Prefix: `${this.keysOf(deploymentId).base}/` }));
    const objects = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (objects.length) await s3.send(new DeleteObjectsCommand({ Bucket: transferBucket, Delete: { Objects: objects, Quiet: true } }));
  }
}
