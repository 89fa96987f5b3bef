import { DescribeTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import Docker from 'dockerode';
import { join } from 'node:path';
import { newId } from '@deploysphere/common';
import { createBuildRunner, EcrBuilderImage, EcsBuildRunner, RunnerUnavailableError, type BuildSpec, type BuildsSettings, type EcsRunnerOptions } from '../../../apps/orchestrator/src/runner';
import { builderImage, FIXTURE_SITES, lineCollector, listFiles, REPO_ROOT, removeDir, scratchDir, TEST_LIMITS } from '../../support/builds';
import { motoAws, type MotoAws } from '../../support/moto';

/**
 * The ECS runner against moto. moto fakes the control plane (RunTask, DescribeTasks, StopTask,
 * ListTasks, tags, CloudWatch Logs, S3, ECR) but runs no container: a task is a record whose
 * status the test moves (ecs::task state manager) and whose container always reports exit 0. So
 * what is proven here is the runner's side: the calls, their overrides, polling until STOPPED,
 * stop on cancel/timeout, reattach by tags, the S3 transfer and log tailing. In the data-path test
 * the test plays Fargate itself: it runs deploy/ecs/task-entrypoint.sh in the local builder image
 * with the URLs RunTask gave the task. Not proven: Fargate scheduling, image pulls from ECR,
 * awslogs delivery, real exit codes / OOM reasons (unit-tested in ecs-task-outcome.spec.ts).
 */
describe('EcsBuildRunner against moto', () => {
  let aws: MotoAws;
  let runner: EcsBuildRunner;
  let options: EcsRunnerOptions;
  const dirs: string[] = [];
  const spec = (patch: Partial<BuildSpec> = {}): BuildSpec => {
    const outputDir = scratchDir();
    dirs.push(outputDir);
    return { deploymentId: newId('dpl'), projectId: newId('prj'), sourceDir: join(FIXTURE_SITES, 'static-site'), outputDir, settings: {}, env: {}, limits: TEST_LIMITS, logSeqBase: 1, ...patch };
  };
  const describeTask = async (arn: string): Promise<Task> =>
    (await aws.ecs.send(new DescribeTasksCommand({ cluster: aws.cluster, tasks: [arn], include: ['TAGS'] }))).tasks![0];
  const transferKeys = async (deploymentId: string) =>
    ((await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: `build-transfer/${deploymentId}/` }))).Contents ?? []).map((o) => o.Key!.split('/').pop());

  beforeAll(async () => {
    aws = await motoAws();
    options = {
      cluster: aws.cluster,
      taskDefinition: aws.taskDefinition,
      subnets: aws.subnets.slice(0, 1),
      securityGroups: aws.securityGroups,
      assignPublicIp: false,
      containerName: 'builder',
      logGroup: aws.logGroup,
      logStreamPrefix: 'build',
      transferBucket: aws.bucket,
      pollMinMs: 100,
      pollMaxMs: 400,
      logPollMs: 100,
      ecs: aws.ecs,
      s3: aws.s3,
      logs: aws.logs,
    };
    runner = new EcsBuildRunner(options);
  }, 120_000);
  beforeEach(() => aws.taskProgress('hold'));
  afterAll(async () => {
    await aws?.taskProgress('default');
    dirs.forEach(removeDir);
  });

  it('is ready when the cluster is ACTIVE, not for a missing cluster', async () => {
    expect(await runner.isReady()).toBe(true);
    const other = new EcsBuildRunner({ ...options, cluster: 'no-such-cluster' });
    expect(await other.isReady()).toBe(false);
  });

  it('RunTask: Fargate size overrides, only presigned URLs in the overrides, secrets in an encrypted S3 object, tags for reattach', async () => {
    const s = spec({ env: { API_TOKEN: 'tok-very-secret' }, settings: { buildCommand: 'npm run build' }, limits: { ...TEST_LIMITS, cpus: 1, memoryMb: 3000 }, logSeqBase: 7 });
    const build = await runner.start(s, () => undefined);
    const arn = build.runnerRef.replace(/^ecs:/, '');
    const task = await describeTask(arn);
    expect(task.launchType).toBe('FARGATE');
    expect(task.startedBy).toBe(s.deploymentId);
    expect(task.overrides).toMatchObject({ cpu: '1024', memory: '3072' });
    const env = task.overrides!.containerOverrides![0].environment!;
    expect(env.map((e) => e.name).sort()).toEqual(['DEPLOYSPHERE_ENV_URL', 'DEPLOYSPHERE_OUTPUT_URL', 'DEPLOYSPHERE_RESULT_URL', 'DEPLOYSPHERE_SOURCE_URL']);
    expect(JSON.stringify(task)).not.toContain('tok-very-secret');
    expect(Object.fromEntries(task.tags!.map((t) => [t.key, t.value]))).toMatchObject({
      'deploysphere:deployment-id': s.deploymentId,
      'deploysphere:log-seq-base': '7',
      'deploysphere:timeout-seconds': String(TEST_LIMITS.timeoutSeconds),
    });
    const envObject = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: `build-transfer/${s.deploymentId}/env.json` }));
    expect(envObject.ServerSideEncryption).toBe('AES256');
    expect(JSON.parse(await envObject.Body!.transformToString())).toEqual({ API_TOKEN: 'tok-very-secret', BUILD_COMMAND: 'npm run build' });
    await build.cancel();
    await build.outcome;
    await build.dispose();
  }, 60_000);

  it('data path: the task entrypoint fetches source and env, builds, uploads; the runner polls to STOPPED, tails the log and collects the artifact', async () => {
    const image = await builderImage();
    const docker = new Docker();
    const log = lineCollector();
    const s = spec({ env: { SITE_NAME: 'from-ecs' }, settings: { buildCommand: 'echo "building $SITE_NAME"' } });
    const build = await runner.start(s, log.onLine);
    const arn = build.runnerRef.replace(/^ecs:/, '');
    const overrides = (await describeTask(arn)).overrides!.containerOverrides![0].environment!;

    // Play Fargate: the task definition's container (read-only root, uid 10001, no capabilities,
    // ephemeral /tmp and /workspace) running deploy/ecs/task-entrypoint.sh with the task's env.
    // Host networking only so that it reaches moto on 127.0.0.1.
    const container = await docker.createContainer({
      Image: image,
      User: '10001:10001',
      Entrypoint: ['/usr/local/bin/deploysphere-ecs-task'],
      Tty: true, // plain output, as awslogs would ship it
      Env: overrides.map((e) => `${e.name}=${e.value}`),
      HostConfig: {
        NetworkMode: 'host',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Init: true,
        Tmpfs: { '/tmp': 'rw,exec,size=256m', '/workspace': 'rw,exec,uid=10001,gid=10001,size=256m' },
        Binds: [`${join(REPO_ROOT, 'deploy', 'ecs', 'task-entrypoint.sh')}:/usr/local/bin/deploysphere-ecs-task:ro`],
      },
    });
    try {
      await container.start();
      const { StatusCode } = await container.wait();
      const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(StatusCode).toBe(0);
      // What awslogs would have shipped: the container's output, into the task's stream.
      const lines = output.split(/\r?\n/).filter(Boolean);
      await aws.putLogLines(arn, lines);
    } finally {
      await container.remove({ force: true });
    }
    expect(await transferKeys(s.deploymentId)).toEqual(expect.arrayContaining(['output.tar.gz', 'result.json']));

    await aws.taskProgress('release'); // the essential container exited 0: the task stops
    const outcome = await build.outcome;
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0, framework: 'static' });
    expect(listFiles(s.outputDir)).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect(log.text()).toContain('building from-ecs');
    expect(log.text()).toContain('Build succeeded');
    await build.dispose();
    expect(await transferKeys(s.deploymentId)).toEqual([]);
  }, 180_000);

  it('a task that stops without uploading its output fails OUTPUT_COPY_FAILED', async () => {
    const build = await runner.start(spec(), () => undefined);
    await aws.taskProgress('release');
    expect(await build.outcome).toMatchObject({ status: 'failed', failureCode: 'OUTPUT_COPY_FAILED' });
    await build.dispose();
  }, 60_000);

  it('cancel calls StopTask and the outcome is canceled once the task is STOPPED', async () => {
    const build = await runner.start(spec(), () => undefined);
    const arn = build.runnerRef.replace(/^ecs:/, '');
    await build.cancel();
    expect(await build.outcome).toMatchObject({ status: 'canceled', failureCode: 'CANCELED' });
    const task = await describeTask(arn);
    expect(task.lastStatus).toBe('STOPPED');
    expect(task.stoppedReason).toBe('DeploySphere: build canceled');
    await build.dispose();
  }, 60_000);

  it('the wall-clock limit stops the task: timed_out', async () => {
    const t0 = Date.now();
    const build = await runner.start(spec({ limits: { ...TEST_LIMITS, timeoutSeconds: 2 } }), () => undefined);
    expect(await build.outcome).toMatchObject({ status: 'timed_out', failureCode: 'TIMED_OUT' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
    // A task nobody stops keeps running: any bound proves the limit; this one holds on a loaded machine.
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect((await describeTask(build.runnerRef.replace(/^ecs:/, ''))).stoppedReason).toMatch(/exceeded 2 s/);
    await build.dispose();
  }, 60_000);

  it('reattaches by the task tags (no runner_ref stored) and lists / removes running builds', async () => {
    const s = spec({ logSeqBase: 12 });
    const build = await runner.start(s, () => undefined);
    build.detach();
    expect(await build.outcome).toMatchObject({ failureCode: 'ORCHESTRATOR_RESTARTED' });
    expect(await runner.listBuilds()).toEqual(expect.arrayContaining([{ deploymentId: s.deploymentId, runnerRef: build.runnerRef, running: true }]));
    const found = await runner.reattach({ deploymentId: s.deploymentId, runnerRef: null, outputDir: s.outputDir, outputMaxBytes: 1e6 }, () => undefined);
    expect(found?.runnerRef).toBe(build.runnerRef);
    expect(found?.logSeqBase).toBe(12);
    await runner.remove(s.deploymentId, null);
    expect(await found!.outcome).toMatchObject({ status: 'failed' });
    expect((await describeTask(build.runnerRef.replace(/^ecs:/, ''))).lastStatus).toBe('STOPPED');
    expect(await transferKeys(s.deploymentId)).toEqual([]);
    expect(await runner.reattach({ deploymentId: newId('dpl'), runnerRef: null, outputDir: s.outputDir, outputMaxBytes: 1 }, () => undefined)).toBeUndefined();
  }, 60_000);

  it('a RunTask that cannot start is RUNNER_UNAVAILABLE and leaves no transfer objects', async () => {
    const broken = new EcsBuildRunner({ ...options, taskDefinition: 'no-such-family:1' });
    const s = spec();
    await expect(broken.start(s, () => undefined)).rejects.toBeInstanceOf(RunnerUnavailableError);
    expect(await transferKeys(s.deploymentId)).toEqual([]);
  }, 60_000);

  it('BUILD_RUNNER=ecs builds the runner from configuration (the transfer bucket reached like the artifact store)', async () => {
    const settings = {
      runner: 'ecs',
      ecs: {
        region: aws.region,
        cluster: aws.cluster,
        taskDefinition: aws.taskDefinition,
        subnets: aws.subnets,
        securityGroups: aws.securityGroups,
        assignPublicIp: false,
        containerName: 'builder',
        logStreamPrefix: 'build',
        transferBucket: aws.bucket,
        s3Endpoint: aws.endpoint,
        s3ForcePathStyle: true,
      },
    } as unknown as BuildsSettings;
    const configured = await createBuildRunner(settings);
    expect(configured.kind).toBe('ecs');
    expect(await configured.isReady()).toBe(true);
  });

  it('ECR: creates the builder repository once and decodes a registry login', async () => {
    const ecr = new EcrBuilderImage(aws.ecr);
    const name = `deploysphere-builder-${Date.now()}`;
    const first = await ecr.ensureRepository(name);
    expect(first.created).toBe(true);
    expect(first.repositoryUri).toMatch(new RegExp(`\\.dkr\\.ecr\\.${aws.region}\\.amazonaws\\.com/${name}$`));
    expect(await ecr.ensureRepository(name)).toEqual({ repositoryUri: first.repositoryUri, created: false });
    const login = await ecr.login();
    expect(login.username).toBe('AWS');
    expect(login.password.length).toBeGreaterThan(0);
    expect(login.serverAddress).toMatch(/^https:\/\/\d+\.dkr\.ecr\./);
  }, 30_000);
});
