import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import type { BuildLogLine, LogLine, LogStream } from '../../build-log';
import { analyticsRows, TOP_PATHS_PER_BUCKET, type AnalyticsQuery, type AnalyticsRows, type BuildLogSearch } from '../log-query';
import { cutoffDay } from '../retention';
import type { LogStore } from '../log-store.port';
import { and, identifier, sql, type Sql } from './clickhouse-sql';

export interface ClickHouseLogStoreOptions {
  url: string;
  database: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
}

// Both tables are ReplacingMergeTree: a row inserted twice (a batch redelivered after a crash
// between insert and offset commit) collapses into one at merge time, and every read uses
// FINAL, so queries never see the duplicate before that. Partitions are days (toYYYYMMDD), so
// retention drops whole partitions, which is cheap and works on 18.16 (no TTL there).
// Timestamps are epoch milliseconds in `time_ms` (18.16 has no DateTime64) plus a DateTime
// `ts` for partitioning and coarse range pruning.
const BUILD_TABLE = 'build_log_lines';
const ACCESS_TABLE = 'access_logs';

const ddl = (db: Sql) => [
  sql`CREATE DATABASE IF NOT EXISTS ${db}`,
  sql`CREATE TABLE IF NOT EXISTS ${db}.${identifier(BUILD_TABLE)} (
    deployment_id String,
    seq UInt64,
    time_ms UInt64,
    ts DateTime,
    stream Enum8('stdout' = 1, 'stderr' = 2, 'system' = 3),
    message String
  ) ENGINE = ReplacingMergeTree
  PARTITION BY toYYYYMMDD(ts)
  ORDER BY (deployment_id, seq)`,
  sql`CREATE TABLE IF NOT EXISTS ${db}.${identifier(ACCESS_TABLE)} (
    project_id String,
    ts DateTime,
    id String,
    time_ms UInt64,
    deployment_id String,
    host String,
    method String,
    path String,
    status UInt16,
    bytes UInt64,
    duration_ms Float64,
    user_agent String,
    client_ip String
  ) ENGINE = ReplacingMergeTree
  PARTITION BY toYYYYMMDD(ts)
  ORDER BY (project_id, ts, id)`,
];

type Row = Record<string, string | number>;

export class ClickHouseLogStore implements LogStore {
  readonly name = 'clickhouse';
  private readonly client: ClickHouseClient;
  private readonly db: Sql;
  private schema?: Promise<void>;

  constructor(private readonly options: ClickHouseLogStoreOptions) {
    this.db = identifier(options.database);
    this.client = createClient({
      url: options.url,
      username: options.username ?? 'default',
      password: options.password ?? '',
      request_timeout: options.requestTimeoutMs ?? 30_000,
      application: 'deploysphere-logs',
    });
  }

  ensureSchema(): Promise<void> {
    this.schema ??= (async () => {
      for (const statement of ddl(this.db)) await this.client.command({ query: statement.text });
    })().catch((err) => {
      this.schema = undefined;
      throw err;
    });
    return this.schema;
  }

  async insertBuildLines(lines: readonly BuildLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.ensureSchema();
    const values = lines.map((l) => {
      const ms = Date.parse(l.ts);
      return { deployment_id: l.deploymentId, seq: l.seq, time_ms: ms, ts: Math.floor(ms / 1000), stream: l.stream, message: l.message };
    });
    await this.client.insert({ table: this.table(BUILD_TABLE), values, format: 'JSONEachRow' });
  }

  async insertAccessRecords(records: readonly AccessLogRecordV1[]): Promise<void> {
    if (records.length === 0) return;
    await this.ensureSchema();
    const values = records.map((r) => ({
      project_id: r.projectId ?? '',
      ts: Math.floor(r.time / 1000),
      id: r.id,
      time_ms: r.time,
      deployment_id: r.deploymentId ?? '',
      host: r.host,
      method: r.method,
      path: r.path,
      status: r.status,
      bytes: r.bytes,
      duration_ms: r.durationMs,
      user_agent: r.userAgent ?? '',
      client_ip: r.clientIp ?? '',
    }));
    await this.client.insert({ table: this.table(ACCESS_TABLE), values, format: 'JSONEachRow' });
  }

  async readBuildLines(deploymentId: string, fromSeq: number, limit: number): Promise<LogLine[]> {
    return this.lines([sql`deployment_id = ${deploymentId}`, sql`seq >= ${fromSeq}`], limit);
  }

  async searchBuildLines(search: BuildLogSearch): Promise<LogLine[]> {
    const where = [sql`deployment_id = ${search.deploymentId}`, sql`seq > ${search.afterSeq}`];
    if (search.stream) where.push(sql`stream = ${search.stream}`);
    if (search.fromMs !== undefined) where.push(sql`time_ms >= ${search.fromMs}`);
    if (search.toMs !== undefined) where.push(sql`time_ms < ${search.toMs}`);
    // positionCaseInsensitive folds ASCII letters only; the database store does the same.
    if (search.contains) where.push(sql`positionCaseInsensitive(message, ${search.contains}) > 0`);
    return this.lines(where, search.limit);
  }

  async accessAnalytics(q: AnalyticsQuery): Promise<AnalyticsRows> {
    await this.ensureSchema();
    const table = this.tableRef(ACCESS_TABLE);
    const where = and([
      sql`project_id = ${q.projectId}`,
      sql`ts >= toDateTime(${Math.floor(q.fromMs / 1000)})`,
      sql`ts <= toDateTime(${Math.floor(q.toMs / 1000)})`,
      sql`time_ms >= ${q.fromMs}`,
      sql`time_ms < ${q.toMs}`,
    ]);
    const bucket = sql`intDiv(time_ms, ${q.intervalMs}) * ${q.intervalMs}`;
    const buckets = await this.select(sql`
      SELECT ${bucket} AS bucket, count() AS requests,
        countIf(status >= 100 AND status < 200) AS s1, countIf(status >= 200 AND status < 300) AS s2,
        countIf(status >= 300 AND status < 400) AS s3, countIf(status >= 400 AND status < 500) AS s4,
        countIf(status >= 500 AND status < 600) AS s5, sum(bytes) AS bytes,
        quantileExact(0.5)(duration_ms) AS p50, quantileExact(0.95)(duration_ms) AS p95
      FROM ${table} FINAL WHERE ${where}
      GROUP BY bucket ORDER BY bucket`);
    const top = await this.select(sql`
      SELECT bucket, path, count() AS requests
      FROM (SELECT ${bucket} AS bucket, path FROM ${table} FINAL WHERE ${where})
      GROUP BY bucket, path
      ORDER BY bucket, requests DESC, path ASC
      LIMIT ${TOP_PATHS_PER_BUCKET} BY bucket`);
    return analyticsRows(buckets, top);
  }

  async dropExpired(days: number, now = new Date()): Promise<string[]> {
    await this.ensureSchema();
    const cutoff = cutoffDay(days, now);
    const parts = await this.select(sql`
      SELECT DISTINCT table, partition FROM system.parts
      WHERE database = ${this.options.database} AND table IN (${BUILD_TABLE}, ${ACCESS_TABLE}) AND active`);
    const dropped: string[] = [];
    for (const { table, partition } of parts) {
      const day = String(partition);
      // Partition ids are toYYYYMMDD values; anything else is not ours to drop.
      if (!/^\d{8}$/.test(day) || Number(day) >= cutoff) continue;
      await this.client.command({ query: sql`ALTER TABLE ${this.db}.${identifier(String(table))} DROP PARTITION ${Number(day)}`.text });
      dropped.push(`${table}:${day}`);
    }
    return dropped.sort();
  }

  async ping(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) throw result.error;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async lines(where: Sql[], limit: number): Promise<LogLine[]> {
    await this.ensureSchema();
    const rows = await this.select(sql`
      SELECT seq, time_ms, stream, message FROM ${this.tableRef(BUILD_TABLE)} FINAL
      WHERE ${and(where)} ORDER BY seq LIMIT ${limit}`);
    return rows.map((r) => ({ seq: Number(r.seq), ts: new Date(Number(r.time_ms)).toISOString(), stream: r.stream as LogStream, message: String(r.message) }));
  }

  private async select(query: Sql): Promise<Row[]> {
    const result = await this.client.query({ query: query.text, format: 'JSONEachRow' });
    return result.json<Row>();
  }

  private tableRef(name: string): Sql {
    return sql`${this.db}.${identifier(name)}`;
  }

  private table(name: string): string {
    return this.tableRef(name).text;
  }
}
