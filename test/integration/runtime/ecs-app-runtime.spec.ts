import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand, RunTaskCommand, StopTaskCommand, type Service } from '@aws-sdk/client-ecs';
import { DescribeRepositoriesCommand, PutImageCommand } from '@aws-sdk/client-ecr';
import { newId } from '@deploysphere/common';
import { EcrImageRegistry } from '../../../apps/orchestrator/src/registry/ecr-image-registry.adapter';
import { AppStartError, EcsAppRuntime, type AppSpec, type EcsAppRuntimeOptions } from '../../../apps/orchestrator/src/runtime';
import { motoAws, privateMoto, type MotoAws } from '../../support/moto';

/**
 * The ECS app runtime against moto (a server of this spec's own: it sets moto's global task life
 * cycle). moto keeps ECS's control plane — task definitions, services, tags, tasks with an ENI
 * and its private IP, CloudWatch Logs — but its services launch no task and nothing runs. So the
 * test plays the service scheduler: it starts the service's tasks itself (RunTask in the
 * service's group, as ECS does) and stops one to stand for a crash. Proven: what is registered
 * and created, discovery of the instances and their addresses, re-adoption by tags, scope
 * separation, crash counting, the full stop, logs. Not proven (docs/apps.md): Fargate
 * scheduling, image pulls, ENI attachment times, the health of a real task.
 */
describe('EcsAppRuntime against moto', () => {
  let moto: { endpoint: string; close(): Promise<void> };
  let aws: MotoAws;
  let options: EcsAppRuntimeOptions;
  let runtime: EcsAppRuntime;
  const scope = `t${Date.now().toString(36)}`;
  const digest = `sha256:${'ab'.repeat(32)}`;
  const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/deploysphere-apps/prj@${digest}`;
  const spec = (patch: Partial<AppSpec> = {}): AppSpec => ({
    deploymentId: newId('dpl'),
    projectId: newId('prj'),
    artifact: { kind: 'image', ref: image },
    port: 8080,
    replicas: 2,
    env: { GREETING: 'hi', API_TOKEN: 'tok-very-secret' },
    limits: { memoryMb: 1000, cpus: 0.5, pids: 256 },
    ...patch,
  });
  const service = async (name: string): Promise<Service | undefined> =>
    (await aws.ecs.send(new DescribeServicesCommand({ cluster: aws.cluster, services: [name], include: ['TAGS'] }))).services?.find((s) => s.serviceName === name);
  /** What ECS's scheduler does for a service: a task of its task definition in its group, in its subnets. */
  const schedule = async (svc: Service, count = 1) => {
    const out = await aws.ecs.send(
      new RunTaskCommand({
        cluster: aws.cluster,
        taskDefinition: svc.taskDefinition!,
        launchType: 'FARGATE',
        count,
        group: `service:${svc.serviceName}`,
        startedBy: 'ecs-svc/1234567890123456789',
        networkConfiguration: svc.networkConfiguration,
      }),
    );
    return out.tasks!;
  };

  beforeAll(async () => {
    moto = await privateMoto();
    aws = await motoAws(moto.endpoint);
    // Tasks stay RUNNING until stopped (moto's default stops them as soon as they are described).
    const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
      method: 'POST',
      body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
    });
    expect(res.ok).toBe(true);
    options = {
      cluster: aws.cluster,
      subnets: aws.subnets.slice(0, 1),
      securityGroups: aws.securityGroups,
      assignPublicIp: false,
      executionRoleArn: 'arn:aws:iam::123456789012:role/deploysphere-app-execution',
      logGroup: aws.logGroup,
      region: aws.region,
      scope,
      stopGraceSeconds: 15,
      ecs: aws.ecs,
      logs: aws.logs,
    };
    runtime = new EcsAppRuntime(options);
  }, 180_000);
  afterAll(async () => {
    await moto?.close();
  });

  it('registers a Fargate task definition (size, image by digest, env with PORT, awslogs, hardening) and a service of `replicas` tasks, tagged', async () => {
    const s = spec({ startCommand: 'node server.js' });
    const started = await runtime.start(s);
    const name = runtime.nameOf(s.deploymentId);
    const svc = (await service(name))!;
    expect(svc).toMatchObject({ status: 'ACTIVE', desiredCount: 2, launchType: 'FARGATE' });
    expect(svc.networkConfiguration?.awsvpcConfiguration).toMatchObject({ subnets: options.subnets, securityGroups: options.securityGroups, assignPublicIp: 'DISABLED' });
    const tags = Object.fromEntries((svc.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags).toEqual({ 'deploysphere:role': 'app', 'deploysphere:scope': scope, 'deploysphere:deployment-id': s.deploymentId, 'deploysphere:project-id': s.projectId, 'deploysphere:app-port': '8080' });

    const def = (await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc.taskDefinition!, include: ['TAGS'] }))).taskDefinition!;
    // 0.5 vCPU and 1000 MiB: the smallest valid Fargate size holding both.
    expect(def).toMatchObject({ family: name, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '512', memory: '1024', executionRoleArn: options.executionRoleArn });
    const [container] = def.containerDefinitions!;
    expect(container).toMatchObject({
      name: 'app',
      image,
      essential: true,
      memory: 1000,
      user: '10001:10001',
      readonlyRootFilesystem: true,
      command: ['/bin/sh', '-c', 'node server.js'],
      portMappings: [expect.objectContaining({ containerPort: 8080, protocol: 'tcp' })],
      stopTimeout: 15,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': aws.logGroup, 'awslogs-region': aws.region, 'awslogs-stream-prefix': 'app', 'awslogs-create-group': 'true' } },
    });
    expect(container.linuxParameters?.capabilities?.drop).toEqual(['ALL']);
    expect(Object.fromEntries(container.environment!.map((e) => [e.name, e.value]))).toEqual({ GREETING: 'hi', API_TOKEN: 'tok-very-secret', PORT: '8080' });
    // The decrypted values are in the container's environment only: not in the service, nor in any tag.
    expect(JSON.stringify(svc)).not.toContain('tok-very-secret');

    // No task yet (Fargate is still placing them): two replicas without an address.
    expect(started.map((i) => [i.id, i.replica, i.state, i.address])).toEqual([
      [`ecs:${name}:0`, 0, 'starting', null],
      [`ecs:${name}:1`, 1, 'starting', null],
    ]);
    await runtime.stop(s.deploymentId);
  });

  it("discovers the instances from the service's tasks: their ENI private IPs with the app's port", async () => {
    const s = spec();
    await runtime.start(s);
    const svc = (await service(runtime.nameOf(s.deploymentId)))!;
    const tasks = await schedule(svc, 2);
    const ips = tasks.map((t) => t.attachments![0].details!.find((d) => d.name === 'privateIPv4Address')!.value);
    // Another service's task in the same cluster is not one of its instances.
    const other = spec({ replicas: 1 });
    await runtime.start(other);
    await schedule((await service(runtime.nameOf(other.deploymentId)))!, 1);

    const instances = await runtime.instances(s.deploymentId);
    expect(instances.map((i) => i.state)).toEqual(['running', 'running']);
    expect(instances.map((i) => i.address).sort()).toEqual(ips.map((ip) => `${ip}:8080`).sort());
    // (moto's tasks carry no startedAt: ECS's do, and it is the instance's.)
    expect(instances.every((i) => i.deploymentId === s.deploymentId && i.projectId === s.projectId && i.restarts === 0)).toBe(true);
    const all = await runtime.instances();
    expect(all.filter((i) => i.deploymentId === s.deploymentId)).toHaveLength(2);
    expect(all.filter((i) => i.deploymentId === other.deploymentId)).toHaveLength(1);
    await Promise.all([runtime.stop(s.deploymentId), runtime.stop(other.deploymentId)]);
  });

  it('a restarted orchestrator adopts the service by its tags (start is idempotent); another scope sees nothing', async () => {
    const s = spec({ replicas: 1 });
    await runtime.start(s);
    const name = runtime.nameOf(s.deploymentId);
    await schedule((await service(name))!, 1);
    const before = await runtime.instances(s.deploymentId);

    const restarted = new EcsAppRuntime(options);
    expect(await restarted.instances(s.deploymentId)).toEqual(before);
    expect(await restarted.start(s)).toEqual(before);
    const revisions = (await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: name }))).taskDefinitionArns!;
    expect(revisions).toHaveLength(1);

    // More replicas on a warm start: the service is scaled, not recreated.
    await restarted.start({ ...s, replicas: 3 });
    expect((await service(name))!.desiredCount).toBe(3);

    const stranger = new EcsAppRuntime({ ...options, scope: `${scope}x` });
    expect((await stranger.instances()).filter((i) => i.deploymentId === s.deploymentId)).toEqual([]);
    await stranger.stopProject(s.projectId);
    expect((await service(name))!.status).toBe('ACTIVE');
    await runtime.stop(s.deploymentId);
  });

  it('a task that exited counts as a restart; the missing replica is restarting until ECS replaces it', async () => {
    const s = spec({ replicas: 1 });
    await runtime.start(s);
    const svc = (await service(runtime.nameOf(s.deploymentId)))!;
    const [task] = await schedule(svc, 1);
    expect((await runtime.instances(s.deploymentId)).map((i) => [i.state, i.restarts])).toEqual([['running', 0]]);
    // moto reports no stop code for it: an exit not asked for by the scheduler counts as a crash.
    await aws.ecs.send(new StopTaskCommand({ cluster: aws.cluster, task: task.taskArn!, reason: 'Essential container in task exited' }));
    expect((await runtime.instances(s.deploymentId)).map((i) => [i.state, i.restarts, i.address])).toEqual([['restarting', 1, null]]);
    await schedule(svc, 1);
    const [replaced] = await runtime.instances(s.deploymentId);
    expect([replaced.state, replaced.restarts, replaced.id]).toEqual(['running', 1, `ecs:${svc.serviceName}:0`]);
    await runtime.stop(s.deploymentId);
  });

  it('stop scales to zero, deletes the service, deregisters and deletes every task definition revision; idempotent', async () => {
    const s = spec();
    await runtime.start(s);
    const name = runtime.nameOf(s.deploymentId);
    await schedule((await service(name))!, 2);
    await runtime.stop(s.deploymentId);
    expect(await service(name)).toMatchObject({ status: 'INACTIVE', desiredCount: 0 });
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      expect((await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: name, status }))).taskDefinitionArns).toEqual([]);
    }
    expect(await runtime.instances(s.deploymentId)).toEqual([]);
    await runtime.stop(s.deploymentId);
  });

  it('an interrupted stop (scaled to zero, not deleted) is listed as a stopped instance, so the supervisor finishes it', async () => {
    const s = spec({ replicas: 1 });
    await runtime.start(s);
    await runtime.start({ ...s, replicas: 0 });
    expect((await runtime.instances()).filter((i) => i.deploymentId === s.deploymentId).map((i) => [i.state, i.address])).toEqual([['stopped', null]]);
    await runtime.stop(s.deploymentId);
    expect(await runtime.instances(s.deploymentId)).toEqual([]);
  });

  it("stopProject removes every service of the project and only those", async () => {
    const projectId = newId('prj');
    const a = spec({ projectId, replicas: 1 });
    const b = spec({ projectId, replicas: 1 });
    const other = spec({ replicas: 1 });
    for (const x of [a, b, other]) await runtime.start(x);
    await runtime.stopProject(projectId);
    expect((await service(runtime.nameOf(a.deploymentId)))!.status).toBe('INACTIVE');
    expect((await service(runtime.nameOf(b.deploymentId)))!.status).toBe('INACTIVE');
    expect((await service(runtime.nameOf(other.deploymentId)))!.status).toBe('ACTIVE');
    await runtime.stop(other.deploymentId);
  });

  it('refuses an image that is not pinned by digest, and leaves nothing behind', async () => {
    const s = spec({ artifact: { kind: 'image', ref: 'deploysphere-apps/prj:latest' } });
    await expect(runtime.start(s)).rejects.toBeInstanceOf(AppStartError);
    await expect(runtime.start(spec({ artifact: { kind: 'directory', path: '/tmp' } }))).rejects.toThrow(/by digest/);
    expect(await service(runtime.nameOf(s.deploymentId))).toBeUndefined();
  });

  it("logTail reads the tasks' awslogs streams, oldest first", async () => {
    const s = spec({ replicas: 1 });
    await runtime.start(s);
    const [task] = await schedule((await service(runtime.nameOf(s.deploymentId)))!, 1);
    const logStreamName = `app/app/${task.taskArn!.slice(task.taskArn!.lastIndexOf('/') + 1)}`;
    await aws.logs.send(new CreateLogStreamCommand({ logGroupName: aws.logGroup, logStreamName }));
    const now = Date.now();
    await aws.logs.send(new PutLogEventsCommand({ logGroupName: aws.logGroup, logStreamName, logEvents: ['listening on 8080', 'GET /', 'GET /health'].map((message, i) => ({ message, timestamp: now + i })) }));
    expect(await runtime.logTail(s.deploymentId, 2)).toEqual(['GET /', 'GET /health']);
    await runtime.stop(s.deploymentId);
  });

  it('a deleted project leaves nothing on AWS: services, task definitions, the ECR repository with its images (what the drop handler calls, in its order)', async () => {
    const registry = new EcrImageRegistry({ ecr: aws.ecr, prefix: `ds-apps-${scope}`, keepImages: 10, untaggedExpireDays: 1 });
    const projectId = newId('prj');
    const repository = await registry.repository(projectId);
    const name = repository.split('/').slice(1).join('/');
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: `sha256:${'2'.repeat(64)}` }, layers: [] });
    const put = await aws.ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: manifest, imageTag: newId('dpl') }));
    const deployments = [spec({ projectId, replicas: 1, artifact: { kind: 'image', ref: `${repository}@${put.image!.imageId!.imageDigest}` } }), spec({ projectId, replicas: 2 })];
    for (const d of deployments) {
      await runtime.start(d);
      await schedule((await service(runtime.nameOf(d.deploymentId)))!, d.replicas);
    }

    await runtime.stopProject(projectId);
    await registry.forgetProject(projectId);

    for (const d of deployments) {
      const n = runtime.nameOf(d.deploymentId);
      expect((await service(n))!.status).toBe('INACTIVE');
      for (const status of ['ACTIVE', 'INACTIVE'] as const) expect((await aws.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: n, status }))).taskDefinitionArns).toEqual([]);
    }
    expect((await runtime.instances()).filter((i) => i.projectId === projectId)).toEqual([]);
    await expect(aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });
});
