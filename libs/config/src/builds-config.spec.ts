import { buildsConfig } from './builds.config';
import { validateEnvironment } from './env.validation';

/** Runs `read` with exactly `vars` as the process environment. */
function withEnv<T>(vars: Record<string, string>, read: () => T): T {
  const saved = process.env;
  process.env = { ...vars };
  try {
    return read();
  } finally {
    process.env = saved;
  }
}

describe('build configuration', () => {
  it('has defaults for every build variable', () => {
    expect(validateEnvironment({})).toMatchObject({
      BUILD_RUNNER: 'auto',
      ALLOW_UNISOLATED_BUILDS: false,
      BUILD_TIMEOUT_SECONDS: 900,
      BUILD_TIMEOUT_MAX_SECONDS: 2700,
      BUILD_MEMORY_MB: 2048,
      BUILD_CPUS: 1,
      BUILD_PIDS: 1024,
      BUILD_LOG_MAX_BYTES: 4_194_304,
      BUILDER_IMAGE: 'deploysphere/builder:latest',
      BUILD_NETWORK: 'deploysphere-builds',
      BUILD_LEASE_SECONDS: 30,
    });
  });

  it('converts and checks values', () => {
    expect(validateEnvironment({ BUILD_CPUS: '0.5', ALLOW_UNISOLATED_BUILDS: 'true' })).toMatchObject({ BUILD_CPUS: 0.5, ALLOW_UNISOLATED_BUILDS: true });
    expect(() => validateEnvironment({ BUILD_RUNNER: 'kubernetes' })).toThrow(/BUILD_RUNNER: must be one of auto, docker, process, ecs/);
    expect(() => validateEnvironment({ BUILD_MEMORY_MB: '12' })).toThrow(/BUILD_MEMORY_MB/);
  });

  it('by default each orchestrator runs 2 builds and there is no global cap, so each added instance adds builds', () => {
    withEnv({}, () => expect(buildsConfig()).toMatchObject({ concurrency: Number.POSITIVE_INFINITY, instanceConcurrency: 2 }));
    withEnv({ BUILD_CONCURRENCY: '5' }, () => expect(buildsConfig()).toMatchObject({ concurrency: 5, instanceConcurrency: 5 }));
    withEnv({ BUILD_CONCURRENCY: '6', BUILD_CONCURRENCY_PER_INSTANCE: '3' }, () => expect(buildsConfig()).toMatchObject({ concurrency: 6, instanceConcurrency: 3 }));
    withEnv({ BUILD_CONCURRENCY_PER_INSTANCE: '4' }, () => expect(buildsConfig()).toMatchObject({ concurrency: Number.POSITIVE_INFINITY, instanceConcurrency: 4 }));
    withEnv({ BUILD_CONCURRENCY: '0' }, () => expect(buildsConfig()).toMatchObject({ concurrency: 0 }));
  });

  it('a per-instance build limit is optional and checked like the global one', () => {
    expect(validateEnvironment({}).BUILD_CONCURRENCY_PER_INSTANCE).toBeUndefined();
    expect(validateEnvironment({ BUILD_CONCURRENCY_PER_INSTANCE: '3' }).BUILD_CONCURRENCY_PER_INSTANCE).toBe(3);
    expect(validateEnvironment({ BUILD_CONCURRENCY_PER_INSTANCE: '' }).BUILD_CONCURRENCY_PER_INSTANCE).toBeUndefined();
    expect(() => validateEnvironment({ BUILD_CONCURRENCY_PER_INSTANCE: '-1' })).toThrow(/BUILD_CONCURRENCY_PER_INSTANCE: must be an integer from 0 to 1000/);
  });

  it('image builder: auto by default, docker | buildah | none', () => {
    expect(validateEnvironment({}).IMAGE_BUILDER).toBe('auto');
    expect(validateEnvironment({ IMAGE_BUILDER: 'buildah' }).IMAGE_BUILDER).toBe('buildah');
    expect(() => validateEnvironment({ IMAGE_BUILDER: 'kaniko' })).toThrow(/IMAGE_BUILDER: must be one of auto, docker, buildah, none/);
  });

  it('docker workspace: auto by default, auto | bind | volume', () => {
    expect(validateEnvironment({}).BUILD_DOCKER_WORKSPACE).toBe('auto');
    expect(validateEnvironment({ BUILD_DOCKER_WORKSPACE: 'volume' }).BUILD_DOCKER_WORKSPACE).toBe('volume');
    expect(() => validateEnvironment({ BUILD_DOCKER_WORKSPACE: 'nfs' })).toThrow(/BUILD_DOCKER_WORKSPACE: must be one of auto, bind, volume/);
  });

  it('the default timeout may not exceed the ceiling', () => {
    expect(() => validateEnvironment({ BUILD_TIMEOUT_SECONDS: '4000' })).toThrow(/BUILD_TIMEOUT_SECONDS: must not exceed BUILD_TIMEOUT_MAX_SECONDS/);
  });

  it('refuses the process runner in production unless unisolated builds are allowed', () => {
    const prod = { NODE_ENV: 'production', DEPLOYSPHERE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(() => validateEnvironment({ ...prod, BUILD_RUNNER: 'process' })).toThrow(/ALLOW_UNISOLATED_BUILDS/);
    expect(validateEnvironment({ ...prod, BUILD_RUNNER: 'process', ALLOW_UNISOLATED_BUILDS: 'true' }).BUILD_RUNNER).toBe('process');
  });

  it('ecs needs its cluster, task definition, subnets and a transfer bucket', () => {
    expect(() => validateEnvironment({ BUILD_RUNNER: 'ecs' })).toThrow(/ECS_CLUSTER: is required[\s\S]*ECS_TASK_DEFINITION[\s\S]*ECS_SUBNETS[\s\S]*ECS_TRANSFER_BUCKET/);
    expect(
      validateEnvironment({ BUILD_RUNNER: 'ecs', ECS_CLUSTER: 'builds', ECS_TASK_DEFINITION: 'deploysphere-builder:3', ECS_SUBNETS: 'subnet-0abc, subnet-0def', ECS_TRANSFER_BUCKET: 'ds-transfer' })
        .ECS_SUBNETS,
    ).toBe('subnet-0abc, subnet-0def');
    expect(() => validateEnvironment({ ECS_SUBNETS: 'sg-1' })).toThrow(/ECS_SUBNETS/);
  });
});
