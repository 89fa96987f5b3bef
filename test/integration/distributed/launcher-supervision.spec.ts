import { RestartPolicy, RESTART_DEFAULTS } from '../../../scripts/distributed/restart-policy';
import { appEnvironment, planProcess, platformVariables } from '../../../scripts/distributed/stack';

// How `npm run start:distributed` restarts an app that exited by itself, and what `--print-env`
// gives for each app (scripts/distributed/restart-policy.js, stack.js).

describe('launcher restart policy', () => {
  it('waits 1 s after a first crash, doubling with each quick one up to 30 s', () => {
    const policy = new RestartPolicy();
    let now = 1_000_000;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const startedAt = now;
      now += 5_000;
      delays.push(policy.exited(startedAt, now).delayMs);
      now += delays[i];
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over from the first delay after the app ran for a while', () => {
    const policy = new RestartPolicy();
    policy.exited(0, 1_000);
    policy.exited(2_000, 3_000);
    expect(policy.exited(5_000, 5_000 + RESTART_DEFAULTS.stableMs).delayMs).toBe(1_000);
  });

  it('reports three exits within a minute as a crash loop, and not two, nor three spread out', () => {
    const policy = new RestartPolicy();
    expect(policy.exited(0, 1_000)).toMatchObject({ crashLoop: false, recentExits: 1 });
    expect(policy.exited(2_000, 3_000)).toMatchObject({ crashLoop: false, recentExits: 2 });
    expect(policy.exited(5_000, 9_000)).toMatchObject({ crashLoop: true, recentExits: 3 });
    const spread = new RestartPolicy();
    spread.exited(0, 1_000);
    spread.exited(40_000, 50_000);
    expect(spread.exited(90_000, 100_000)).toMatchObject({ crashLoop: false, recentExits: 2 });
  });
});

describe('launcher --print-env: what each app needs to be started by hand', () => {
  const env = {
    PATH: '/usr/bin',
    HOME: '/root',
    TERM: 'xterm',
    DISTRIBUTED_ORCHESTRATORS: '2',
    DATABASE_URL: 'postgresql://ds:secret@db:5432/ds',
    KAFKA_BROKERS: 'k:9092',
    REDIS_URL: 'redis://r:6379',
    S3_BUCKET: 'artifacts',
    S3_ENDPOINT: 'http://s3:9000',
    AWS_ACCESS_KEY_ID: 'AKIA',
    AWS_SECRET_ACCESS_KEY: 'shh',
    DEPLOYSPHERE_ENCRYPTION_KEY: 'a2V5',
    BUILDER_IMAGE: 'deploysphere/builder:abc',
    BUILD_RUNNER: 'docker',
  };

  it('is the platform variables and the AWS credentials, with the per-process ones, sorted; nothing else of the shell', () => {
    const vars = Object.fromEntries(appEnvironment(planProcess('orchestrator', 2, { env, stateDir: '/state' })));
    expect(vars).toMatchObject({
      DATABASE_URL: env.DATABASE_URL,
      KAFKA_BROKERS: 'k:9092',
      REDIS_URL: 'redis://r:6379',
      S3_BUCKET: 'artifacts',
      S3_ENDPOINT: 'http://s3:9000',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'shh',
      DEPLOYSPHERE_ENCRYPTION_KEY: 'a2V5',
      BUILDER_IMAGE: 'deploysphere/builder:abc',
      BUILD_RUNNER: 'docker',
      DATABASE_MIGRATE_ON_START: 'false',
      ORCHESTRATOR_PORT: '3102',
      DEPLOYSPHERE_DATA_DIR: '/state/orchestrator-2',
    });
    expect(vars.ORCHESTRATOR_INSTANCE_ID).toMatch(/-orchestrator-2$/);
    for (const shell of ['PATH', 'HOME', 'TERM', 'DISTRIBUTED_ORCHESTRATORS']) expect(vars).not.toHaveProperty(shell);
    const names = Object.keys(vars);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(names.every((n) => platformVariables().has(n) || n.startsWith('AWS_'))).toBe(true);
  });

  it('gives the edge router its management port as well', () => {
    const vars = Object.fromEntries(appEnvironment(planProcess('edge-router', 2, { env, stateDir: '/state' })));
    expect(vars).toMatchObject({ EDGE_PORT: '8180', EDGE_MANAGEMENT_PORT: '3104' });
  });
});
