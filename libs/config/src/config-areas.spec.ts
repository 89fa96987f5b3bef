import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authConfig } from './auth.config';
import { buildsConfig } from './builds.config';
import { DeploySphereConfigModule } from './config.module';
import { databaseConfig } from './database.config';
import { edgeConfig } from './edge.config';
import { validateEnvironment } from './env.validation';
import { httpConfig } from './http.config';
import { kafkaConfig } from './kafka.config';
import { logsConfig } from './logs.config';
import { redisConfig } from './redis.config';
import { storageConfig } from './storage.config';

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

describe('each area reads and shapes its own variables', () => {
  it('fills defaults when nothing is set', () => {
    withEnv({}, () => {
      expect(httpConfig()).toMatchObject({ host: '0.0.0.0', apiPort: 3000, rootDomain: 'localhost', webhookBodyLimit: '25mb' });
      expect(databaseConfig()).toEqual({ url: undefined, embedded: true, poolSize: 10, migrateOnStart: true });
      expect(kafkaConfig()).toMatchObject({ brokers: [], clientId: 'deploysphere', partitions: 6 });
      expect(redisConfig()).toEqual({ url: undefined });
      expect(logsConfig()).toMatchObject({ clickhouse: undefined, batchMaxRows: 20_000 });
      expect(storageConfig()).toEqual({ driver: 'fs', dir: expect.stringMatching(/\.deploysphere\/artifacts$/) });
      expect(authConfig()).toEqual({ adminToken: undefined, encryptionKey: undefined, production: false });
      expect(edgeConfig()).toMatchObject({ cacheBytes: 256 * 1024 * 1024, accessLogBuffer: 10_000 });
    });
  });

  it('converts what is set', () => {
    const env = {
      DATABASE_URL: 'postgresql://u@h/db',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      REDIS_URL: 'redis://127.0.0.1:6379',
      CLICKHOUSE_URL: 'http://127.0.0.1:8123',
      EDGE_CACHE_MB: '2',
      EDGE_INSTANCE_ID: 'edge-a',
    };
    withEnv(env, () => {
      expect(databaseConfig()).toEqual({ url: 'postgresql://u@h/db', embedded: false, poolSize: 10, migrateOnStart: false });
      expect(kafkaConfig().brokers).toEqual(['k1:9092', 'k2:9092']);
      expect(redisConfig().url).toBe('redis://127.0.0.1:6379');
      expect(logsConfig().clickhouse).toEqual({ url: 'http://127.0.0.1:8123', database: 'deploysphere', username: 'default', password: '' });
      expect(edgeConfig()).toMatchObject({ cacheBytes: 2 * 1024 * 1024, instanceId: 'edge-a' });
    });
  });

  it("site URLs: the edge's own port by default, the public scheme and port when set, no default port", () => {
    withEnv({}, () => expect(httpConfig().edgePublic).toEqual({ scheme: 'http', port: ':8080' }));
    withEnv({ EDGE_PORT: '9000' }, () => expect(httpConfig().edgePublic).toEqual({ scheme: 'http', port: ':9000' }));
    withEnv({ EDGE_PORT: '80' }, () => expect(httpConfig().edgePublic).toEqual({ scheme: 'http', port: '' }));
    withEnv({ EDGE_PORT: '0' }, () => expect(httpConfig().edgePublic).toEqual({ scheme: 'http', port: '' }));
    withEnv({ EDGE_PUBLIC_SCHEME: 'https', EDGE_PUBLIC_PORT: '443' }, () => expect(httpConfig().edgePublic).toEqual({ scheme: 'https', port: '' }));
    withEnv({ EDGE_PUBLIC_SCHEME: 'https', EDGE_PUBLIC_PORT: '8443' }, () => expect(httpConfig().edgePublic).toEqual({ scheme: 'https', port: ':8443' }));
    withEnv({ EDGE_PUBLIC_SCHEME: 'ftp' }, () => expect(() => httpConfig()).toThrow(/EDGE_PUBLIC_SCHEME: must be http or https/));
    withEnv({ EDGE_PUBLIC_PORT: '0' }, () => expect(() => httpConfig()).toThrow(/EDGE_PUBLIC_PORT: must be an integer port number \(1–65535\)/));
  });

  it('a factory read without start-up validation still refuses a bad value with the same message', () => {
    withEnv({ EDGE_CACHE_MB: 'lots' }, () => {
      expect(() => edgeConfig()).toThrow(/^Invalid configuration:\n {2}- EDGE_CACHE_MB: must be an integer from 1 to 65536 \(got "lots"\)/);
    });
    withEnv({ S3_BUCKET: 'Upper' }, () => {
      expect(() => storageConfig()).toThrow(/^Invalid configuration:\n {2}- S3_BUCKET must be a valid S3 bucket name/);
    });
  });

  it('the ECS runner reaches its transfer bucket like the artifact store; AWS_REGION names its region', () => {
    const s3 = { BUILD_RUNNER: 'ecs', S3_BUCKET: 'artifacts', S3_REGION: 'eu-west-1', S3_ENDPOINT: 'http://127.0.0.1:5000' };
    withEnv(s3, () => {
      expect(buildsConfig().ecs).toMatchObject({ region: 'eu-west-1', transferBucket: 'artifacts', s3Endpoint: 'http://127.0.0.1:5000', s3ForcePathStyle: true });
    });
    withEnv({ ...s3, AWS_REGION: 'us-west-2', ECS_TRANSFER_BUCKET: 'transfer' }, () => {
      expect(buildsConfig().ecs).toMatchObject({ region: 'us-west-2', transferBucket: 'transfer' });
    });
    withEnv({}, () => {
      expect(buildsConfig().ecs).toMatchObject({ region: 'us-east-1', transferBucket: '', s3Endpoint: undefined, s3ForcePathStyle: false });
    });
  });
});

describe('start-up validation covers every area', () => {
  it('never quotes a secret: secret variables by length, URL credentials hidden', () => {
    let message = '';
    try {
      validateEnvironment({
        DATABASE_URL: 'mysql://app:hunter2@db:3306/x',
        REDIS_URL: 'http://:redis-pass@cache:6379',
        DEPLOYSPHERE_ADMIN_TOKEN: 'short-admin-secret',
        DEPLOYSPHERE_ENCRYPTION_KEY: 'not base64 secret!',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('DATABASE_URL: must be a postgresql:// connection URL (got "mysql://***@db:3306/x")');
    expect(message).toContain('REDIS_URL: must be a redis:// or rediss:// URL (got "http://***@cache:6379")');
    expect(message).toContain('DEPLOYSPHERE_ADMIN_TOKEN: must be 32–200 characters of [A-Za-z0-9_-.] (got a value of 18 characters, not shown)');
    expect(message).toMatch(/DEPLOYSPHERE_ENCRYPTION_KEY: .*\(got a value of 18 characters, not shown\)/);
    for (const secret of ['hunter2', 'redis-pass', 'short-admin-secret', 'not base64 secret']) expect(message).not.toContain(secret);
    expect(() => validateEnvironment({ S3_BUCKET: 'bkt', S3_ENDPOINT: 'ftp://key:s3-secret@minio' })).toThrow(/S3_ENDPOINT: must be an http\(s\) URL .*\(got "ftp:\/\/\*\*\*@minio"\)/);
  });

  it('reports a bad S3 setting with the rest of the configuration', () => {
    expect(() => validateEnvironment({ S3_PREFIX: 'x' })).toThrow(/^Invalid configuration:\n {2}- S3_PREFIX is set but S3_BUCKET is not/);
    expect(() => validateEnvironment({ AWS_REGION: 'Europe' })).toThrow(/AWS_REGION: must be a region name/);
  });

  it('names bad variables of several areas in one message', () => {
    expect(() => validateEnvironment({ REDIS_URL: 'http://x', EDGE_ACCESS_LOG_FLUSH_MS: '1', KAFKA_PARTITIONS: '0' })).toThrow(
      /KAFKA_PARTITIONS[\s\S]*REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL[\s\S]*EDGE_ACCESS_LOG_FLUSH_MS/,
    );
  });

  it('a variable set only in .env reaches its area through the config module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-dotenv-'));
    writeFileSync(join(dir, '.env'), 'S3_BUCKET=from-dotenv\nEDGE_CACHE_MB=3\n');
    const cwd = process.cwd();
    const saved = process.env;
    process.env = {};
    process.chdir(dir);
    try {
      const app = await Test.createTestingModule({ imports: [DeploySphereConfigModule.forRoot()] }).compile();
      expect(app.get(storageConfig.KEY)).toMatchObject({ driver: 's3', bucket: 'from-dotenv' });
      expect(app.get(edgeConfig.KEY)).toMatchObject({ cacheBytes: 3 * 1024 * 1024 });
      await app.close();
    } finally {
      process.chdir(cwd);
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
