import { createClient } from '@clickhouse/client';
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';

// The services the log tests need, on loopback. An unreachable service FAILS the test with the
// command that starts it: CI starts them (scripts/test.sh), tests never skip them.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function loopback(name: string, url: string): string {
  const host = new URL(url.includes('://') ? url : `tcp://${url}`).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`${name} must point at a loopback address in tests, got ${url}`);
  return url;
}

const hint = (service: string) => `start it with \`scripts/services/${service}.sh start\` and \`eval "$(scripts/services/${service}.sh env)"\``;

/** A unique name for this test run's databases, key prefixes, topics and groups. */
export const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

export async function requireRedis(): Promise<string> {
  const url = loopback('REDIS_URL', process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new Error(`Redis unreachable at ${url} (${(err as Error).message}): ${hint('redis')}`);
  } finally {
    probe.disconnect();
  }
  return url;
}

export interface TestClickHouse {
  url: string;
  database: string;
  /** Drops the test database. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named ClickHouse database (created by the store itself), dropped by `drop`. */
export async function requireClickHouse(): Promise<TestClickHouse> {
  const url = loopback('CLICKHOUSE_URL', process.env.CLICKHOUSE_URL || 'http://127.0.0.1:8123');
  const client = createClient({ url, request_timeout: 5000 });
  const ping = await client.ping();
  await client.close();
  if (!ping.success) throw new Error(`ClickHouse unreachable at ${url} (${String(ping.error)}): ${hint('clickhouse')}`);
  const database = uniqueName('ds_test_logs');
  return {
    url,
    database,
    async drop() {
      const c = createClient({ url });
      await c.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
      await c.close();
    },
  };
}

export async function requireKafka(): Promise<string[]> {
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => loopback('KAFKA_BROKERS', b.trim()));
  const admin = new Kafka({ clientId: 'log-tests-probe', brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 }, connectionTimeout: 3000 }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (err) {
    throw new Error(`Kafka unreachable at ${brokers.join(',')} (${(err as Error).message}): ${hint('kafka')}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return brokers;
}

export async function deleteKafkaTopics(brokers: string[], topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'log-tests-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } finally {
    await admin.disconnect();
  }
}
