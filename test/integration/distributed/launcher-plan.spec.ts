import { hostname } from 'node:os';
import { instanceCounts, missingForDistributed, planProcess, planStack } from '../../../scripts/distributed/stack';

// The per-process configuration `npm run start:distributed` gives each app (scripts/distributed/stack.js),
// which the distributed e2e tests also start their processes with.

describe('distributed launcher: the processes it plans', () => {
  const env = { DATABASE_URL: 'postgresql://u:p@db:5432/ds', KAFKA_BROKERS: 'k:9092', DISTRIBUTED_ORCHESTRATORS: '2', DISTRIBUTED_EDGE_ROUTERS: '2' };

  it('one process per app instance, each with its own data dir, no migration on start', () => {
    const plan = planStack({ env, stateDir: '/state' });
    expect(plan.map((p) => p.name)).toEqual(['api', 'orchestrator', 'orchestrator-2', 'log-ingest', 'gateway', 'edge-router', 'edge-router-2']);
    expect(new Set(plan.map((p) => p.env.DEPLOYSPHERE_DATA_DIR)).size).toBe(plan.length);
    expect(plan.every((p) => p.env.DATABASE_MIGRATE_ON_START === 'false' && p.env.DATABASE_URL === env.DATABASE_URL)).toBe(true);
    expect(plan.find((p) => p.name === 'api')!.entry).toMatch(/dist\/apps\/api\/src\/main\.js$/);
  });

  it('orchestrators and edge routers on one host get distinct, stable instance ids', () => {
    const plan = planStack({ env, stateDir: '/state' });
    const orchestrators = plan.filter((p) => p.app === 'orchestrator').map((p) => p.env.ORCHESTRATOR_INSTANCE_ID);
    expect(orchestrators).toEqual([`${hostname()}-orchestrator-1`, `${hostname()}-orchestrator-2`]);
    expect(plan.filter((p) => p.app === 'edge-router').map((p) => p.env.EDGE_INSTANCE_ID)).toEqual([`${hostname()}-edge-1`, `${hostname()}-edge-2`]);
    // A given id is the base, so several instances still differ.
    expect(planProcess('orchestrator', 2, { env: { ...env, ORCHESTRATOR_INSTANCE_ID: 'node-a' }, stateDir: '/s' }).env.ORCHESTRATOR_INSTANCE_ID).toBe('node-a-2');
  });

  it('instance i listens on the base port + 100 × (i − 1); 0 stays 0; an explicit port wins', () => {
    const plan = planStack({ env: { ...env, EDGE_PORT: '9000' }, stateDir: '/state' });
    expect(plan.map((p) => [p.name, p.port])).toEqual([
      ['api', 3000],
      ['orchestrator', 3002],
      ['orchestrator-2', 3102],
      ['log-ingest', 3003],
      ['gateway', 3001],
      ['edge-router', 9000],
      ['edge-router-2', 9100],
    ]);
    expect(plan.find((p) => p.name === 'orchestrator-2')!.env.ORCHESTRATOR_PORT).toBe('3102');
    expect(plan.find((p) => p.name === 'orchestrator-2')!.readyUrl).toBe('http://127.0.0.1:3102/readyz');
    expect(planProcess('api', 1, { env: { API_PORT: '0' }, stateDir: '/s' })).toMatchObject({ port: 0, readyUrl: undefined });
    expect(planProcess('api', 1, { env: {}, stateDir: '/s', port: 4321 }).env.API_PORT).toBe('4321');
  });

  it('refuses bad instance counts and names what distributed mode cannot run without', () => {
    expect(() => instanceCounts({ DISTRIBUTED_ORCHESTRATORS: '0' })).toThrow(/DISTRIBUTED_ORCHESTRATORS must be an integer from 1 to 20/);
    expect(() => instanceCounts({ DISTRIBUTED_EDGE_ROUTERS: 'two' })).toThrow(/DISTRIBUTED_EDGE_ROUTERS/);
    expect(missingForDistributed({}).map((m) => m.split(':')[0])).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'REDIS_URL', 'S3_BUCKET (+ S3_ENDPOINT for MinIO/moto)', 'DEPLOYSPHERE_ENCRYPTION_KEY']);
    expect(missingForDistributed({ ...env, REDIS_URL: 'redis://r', S3_BUCKET: 'b', DEPLOYSPHERE_ENCRYPTION_KEY: 'k' })).toEqual([]);
  });
});
