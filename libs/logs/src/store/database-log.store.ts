import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import { Prisma, type PrismaClient } from '@deploysphere/database';
import type { BuildLogLine, LogLine, LogStream } from '../build-log';
import { analyticsRows, TOP_PATHS_PER_BUCKET, type AnalyticsQuery, type AnalyticsRows, type BuildLogSearch } from './log-query';
import type { LogStore } from './log-store.port';
import { cutoffDate } from './retention';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** PostgreSQL text cannot hold NUL; ClickHouse can. The character is replaced the same way on both paths. */
const noNul = (s: string) => (s.includes('\0') ? s.replace(/\0/g, '\uFFFD') : s);
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * The embedded log store: two tables in the metadata database (prisma/schema.prisma). Inserts
 * use one statement per batch (unnest of arrays: five parameters whatever the row count) and
 * ON CONFLICT DO NOTHING, so a redelivered row is a no-op. Every query is a tagged template,
 * so values are bound, never concatenated. Results match ClickHouseLogStore's exactly.
 */
export class DatabaseLogStore implements LogStore {
  readonly name = 'database';

  constructor(private readonly prisma: PrismaClient) {}

  async ensureSchema(): Promise<void> {
    // The migrations own these tables.
  }

  async insertBuildLines(lines: readonly BuildLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.prisma.$executeRaw`
      INSERT INTO build_log_lines (deployment_id, seq, ts, stream, message)
      SELECT * FROM unnest(
        ${lines.map((l) => l.deploymentId)}::text[], ${lines.map((l) => l.seq)}::int[],
        ${lines.map((l) => new Date(l.ts).toISOString())}::timestamptz[], ${lines.map((l) => l.stream)}::text[],
        ${lines.map((l) => noNul(l.message))}::text[])
      ON CONFLICT DO NOTHING`;
  }

  async insertAccessRecords(records: readonly AccessLogRecordV1[]): Promise<void> {
    if (records.length === 0) return;
    const col = <T>(f: (r: AccessLogRecordV1) => T) => records.map(f);
    await this.prisma.$executeRaw`
      INSERT INTO access_log_records (id, project_id, deployment_id, ts, host, method, path, status, bytes, duration_ms, user_agent, client_ip)
      SELECT * FROM unnest(
        ${col((r) => r.id)}::text[], ${col((r) => r.projectId ?? null)}::text[], ${col((r) => r.deploymentId ?? null)}::text[],
        ${col((r) => new Date(r.time).toISOString())}::timestamptz[], ${col((r) => noNul(r.host))}::text[],
        ${col((r) => noNul(r.method))}::text[], ${col((r) => noNul(r.path))}::text[], ${col((r) => r.status)}::int[],
        ${col((r) => String(r.bytes))}::bigint[], ${col((r) => r.durationMs)}::float8[],
        ${col((r) => (r.userAgent == null ? null : noNul(r.userAgent)))}::text[], ${col((r) => (r.clientIp == null ? null : noNul(r.clientIp)))}::text[])
      ON CONFLICT DO NOTHING`;
  }

  async readBuildLines(deploymentId: string, fromSeq: number, limit: number): Promise<LogLine[]> {
    return this.lines([Prisma.sql`deployment_id = ${deploymentId}`, Prisma.sql`seq >= ${fromSeq}`], limit);
  }

  async searchBuildLines(s: BuildLogSearch): Promise<LogLine[]> {
    const where = [Prisma.sql`deployment_id = ${s.deploymentId}`, Prisma.sql`seq > ${s.afterSeq}`];
    if (s.stream) where.push(Prisma.sql`stream = ${s.stream}`);
    if (s.fromMs !== undefined) where.push(Prisma.sql`ts >= ${new Date(s.fromMs)}`);
    if (s.toMs !== undefined) where.push(Prisma.sql`ts < ${new Date(s.toMs)}`);
    // ASCII letters only, like ClickHouse's positionCaseInsensitive; strpos has no wildcards.
    if (s.contains) where.push(Prisma.sql`strpos(translate(message, ${UPPER}, ${LOWER}), ${asciiLower(noNul(s.contains))}) > 0`);
    return this.lines(where, s.limit);
  }

  async accessAnalytics(q: AnalyticsQuery): Promise<AnalyticsRows> {
    const interval = Prisma.sql`${q.intervalMs}::bigint`;
    const records = Prisma.sql`
      SELECT ((extract(epoch FROM ts) * 1000)::bigint / ${interval}) * ${interval} AS bucket, status, bytes, duration_ms, path
      FROM access_log_records
      WHERE project_id = ${q.projectId} AND ts >= ${new Date(q.fromMs)} AND ts < ${new Date(q.toMs)}`;
    // Quantiles as ClickHouse's quantileExact defines them: the value at 0-based rank floor(q * n), in float8 arithmetic.
    const buckets = await this.prisma.$queryRaw<Record<string, bigint | number>[]>`
      WITH r AS (${records}),
      ranked AS (
        SELECT bucket, duration_ms, row_number() OVER (PARTITION BY bucket ORDER BY duration_ms) AS rn, count(*) OVER (PARTITION BY bucket) AS n FROM r
      ),
      q AS (
        SELECT bucket,
          max(duration_ms) FILTER (WHERE rn = LEAST(floor(0.5::float8 * n)::bigint + 1, n)) AS p50,
          max(duration_ms) FILTER (WHERE rn = LEAST(floor(0.95::float8 * n)::bigint + 1, n)) AS p95
        FROM ranked GROUP BY bucket
      ),
      a AS (
        SELECT bucket, count(*) AS requests,
          count(*) FILTER (WHERE status >= 100 AND status < 200) AS s1, count(*) FILTER (WHERE status >= 200 AND status < 300) AS s2,
          count(*) FILTER (WHERE status >= 300 AND status < 400) AS s3, count(*) FILTER (WHERE status >= 400 AND status < 500) AS s4,
          count(*) FILTER (WHERE status >= 500 AND status < 600) AS s5, sum(bytes)::bigint AS bytes
        FROM r GROUP BY bucket
      )
      SELECT a.*, q.p50, q.p95 FROM a JOIN q USING (bucket) ORDER BY bucket`;
    const top = await this.prisma.$queryRaw<{ bucket: bigint; path: string; requests: bigint }[]>`
      WITH r AS (${records})
      SELECT bucket, path, requests FROM (
        SELECT bucket, path, count(*) AS requests,
          row_number() OVER (PARTITION BY bucket ORDER BY count(*) DESC, path COLLATE "C") AS rank
        FROM r GROUP BY bucket, path
      ) t WHERE rank <= ${TOP_PATHS_PER_BUCKET} ORDER BY bucket, rank`;
    return analyticsRows(buckets, top);
  }

  async dropExpired(days: number, now = new Date()): Promise<string[]> {
    const cutoff = cutoffDate(days, now);
    const lines = await this.prisma.$executeRaw`DELETE FROM build_log_lines WHERE ts < ${cutoff}`;
    const records = await this.prisma.$executeRaw`DELETE FROM access_log_records WHERE ts < ${cutoff}`;
    const day = cutoff.toISOString().slice(0, 10);
    return [
      ...(records > 0 ? [`access_log_records:before ${day} (${records} rows)`] : []),
      ...(lines > 0 ? [`build_log_lines:before ${day} (${lines} rows)`] : []),
    ];
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  async close(): Promise<void> {
    // The PrismaClient belongs to DatabaseModule.
  }

  private async lines(where: Prisma.Sql[], limit: number): Promise<LogLine[]> {
    const rows = await this.prisma.$queryRaw<{ seq: number; ts: Date; stream: string; message: string }[]>`
      SELECT seq, ts, stream, message FROM build_log_lines
      WHERE ${Prisma.join(where, ' AND ')} ORDER BY seq LIMIT ${limit}`;
    return rows.map((r) => ({ seq: Number(r.seq), ts: r.ts.toISOString(), stream: r.stream as LogStream, message: r.message }));
  }
}
