import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './builds';

/**
 * moto on loopback (scripts/services/moto.sh; scripts/test.sh exports AWS_ENDPOINT_URL). An
 * unset endpoint or a moto that does not answer FAILS the test: never skipped.
 */
export async function motoEndpoint(): Promise<string> {
  const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:5000';
  try {
    const res = await fetch(`${endpoint}/moto-api/`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    throw new Error(`moto does not answer at ${endpoint} (${(err as Error).message}): run scripts/services/moto.sh start`);
  }
  return endpoint;
}

export interface MotoAws {
  endpoint: string;
  region: string;
  ecs: ECSClient;
  s3: S3Client;
  logs: CloudWatchLogsClient;
  ecr: ECRClient;
  bucket: string;
  cluster: string;
  taskDefinition: string;
  logGroup: string;
  subnets: string[];
  /** moto's RunTask requires one (real ECS defaults to the VPC's default group). */
  securityGroups: string[];
  /** ecs::task lifecycle in moto: 'hold' keeps tasks RUNNING, 'release' stops them on the next describe. */
  taskProgress(mode: 'hold' | 'release' | 'default'): Promise<void>;
  putLogLines(taskArn: string, lines: string[]): Promise<void>;
}

/**
 * A moto server of the test's own on a free loopback port (the venv scripts/services/moto.sh
 * installs), for specs that set moto's global task life cycle (ecs::task) and must not race
 * another spec doing the same on the shared server.
 */
export async function privateMoto(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'deploysphere', 'moto');
  const bin =
    process.env.MOTO_SERVER ??
    (existsSync(cache) ? readdirSync(cache).filter((d) => d.startsWith('venv-')).map((d) => join(cache, d, 'bin', 'moto_server')).find((p) => existsSync(p)) : undefined);
  if (!bin || !existsSync(bin)) throw new Error('moto_server not found: run scripts/services/moto.sh start (it installs it)');
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
    probe.on('error', reject);
  });
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A bucket, a cluster, the builder task definition (deploy/ecs) and a log group, all fresh (on the shared moto, or on `endpointOverride`). */
export async function motoAws(endpointOverride?: string): Promise<MotoAws> {
  const endpoint = endpointOverride ?? (await motoEndpoint());
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test' };
  const common = { region, endpoint, credentials };
  const suffix = randomBytes(4).toString('hex');
  const aws = {
    endpoint,
    region,
    ecs: new ECSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    logs: new CloudWatchLogsClient(common),
    ecr: new ECRClient(common),
    bucket: `ds-ecs-transfer-${suffix}`,
    cluster: `ds-builds-${suffix}`,
    logGroup: `/deploysphere/builds-${suffix}`,
  };
  await aws.s3.send(new CreateBucketCommand({ Bucket: aws.bucket }));
  await aws.ecs.send(new CreateClusterCommand({ clusterName: aws.cluster }));
  const def = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'ecs', 'builder-task-definition.json'), 'utf8')) as RegisterTaskDefinitionCommandInput;
  def.family = `deploysphere-builder-${suffix}`;
  def.executionRoleArn = 'arn:aws:iam::123456789012:role/deploysphere-builder-execution';
  def.containerDefinitions![0].image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/deploysphere-builder:test';
  // moto's RunTask sums container-level memory (real Fargate sizes the task by its own cpu/memory).
  def.containerDefinitions![0].memoryReservation = 512;
  const registered = await aws.ecs.send(new RegisterTaskDefinitionCommand(def));
  await aws.logs.send(new CreateLogGroupCommand({ logGroupName: aws.logGroup }));
  // The default VPC's subnets and security group (EC2's query API; the SDK's EC2 client is not a dependency).
  const ec2 = async (action: string) =>
    (
      await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: `Action=${action}&Version=2016-11-15`,
      })
    ).text();
  const subnets = [...(await ec2('DescribeSubnets')).matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((m) => m[1]);
  const securityGroups = [...(await ec2('DescribeSecurityGroups')).matchAll(/<groupId>([^<]+)<\/groupId>/g)].map((m) => m[1]).slice(0, 1);
  const transition = async (body: object, path: string) => {
    const res = await fetch(`${endpoint}/moto-api/state-manager/${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`moto state manager ${path}: HTTP ${res.status}`);
  };
  return {
    ...aws,
    taskDefinition: registered.taskDefinition!.taskDefinitionArn!,
    subnets,
    securityGroups,
    async taskProgress(mode) {
      if (mode === 'default') return transition({ model_name: 'ecs::task' }, 'unset-transition');
      const t = mode === 'hold' ? { progression: 'manual', times: 1_000_000 } : { progression: 'immediate' };
      await transition({ model_name: 'ecs::task', transition: t }, 'set-transition');
    },
    async putLogLines(taskArn, lines) {
      const logStreamName = `build/builder/${taskArn.slice(taskArn.lastIndexOf('/') + 1)}`;
      await aws.logs.send(new CreateLogStreamCommand({ logGroupName: aws.logGroup, logStreamName })).catch(() => undefined);
      const now = Date.now();
      await aws.logs.send(new PutLogEventsCommand({ logGroupName: aws.logGroup, logStreamName, logEvents: lines.map((message, i) => ({ message, timestamp: now + i })) }));
    },
  };
}
