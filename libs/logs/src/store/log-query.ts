import { ValidationError } from '@deploysphere/common';
import type { LogStream } from '../build-log';

// What both log stores answer, and the parts of the answer that do not depend on the store
// (cursor format, interval alignment, empty buckets), so both give the same result.

export const ANALYTICS_INTERVALS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '1d': 86_400_000,
} as const;
export type AnalyticsInterval = keyof typeof ANALYTICS_INTERVALS;
export const MAX_ANALYTICS_BUCKETS = 1_440;
export const TOP_PATHS_PER_BUCKET = 5;
export const MAX_SEARCH_LENGTH = 200;

/** Lines of one deployment with seq > afterSeq, ascending by seq. */
export interface BuildLogSearch {
  deploymentId: string;
  afterSeq: number;
  limit: number;
  stream?: LogStream;
  /** Epoch ms, inclusive. */
  fromMs?: number;
  /** Epoch ms, exclusive. */
  toMs?: number;
  /** Substring of the message, ASCII letters compared case-insensitively (same on every store). */
  contains?: string;
}

/** Access records of a project with fromMs <= time < toMs, in buckets of intervalMs aligned to the epoch. */
export interface AnalyticsQuery {
  projectId: string;
  fromMs: number;
  toMs: number;
  intervalMs: number;
}

/** One bucket as a store computes it (only buckets that have requests). */
export interface AnalyticsBucketRow {
  bucketMs: number;
  requests: number;
  status1xx: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
  bytes: number;
  /** Exact quantiles: the value at 0-based rank floor(q * n) of the sorted durations. */
  p50: number;
  p95: number;
}

export interface TopPathRow {
  bucketMs: number;
  path: string;
  requests: number;
}

export interface AnalyticsRows {
  buckets: AnalyticsBucketRow[];
  /** Per bucket, the TOP_PATHS_PER_BUCKET paths with most requests (ties by path, bytewise). */
  topPaths: TopPathRow[];
}

/**
 * One row of each analytics result set, as both stores' SQL names the columns (bucket, requests,
 * s1..s5, bytes, p50, p95; bucket, path, requests). Drivers give counts as bigint (pg) or string
 * (ClickHouse's 64-bit integers in JSON).
 */
export type AnalyticsSqlRow = Record<string, unknown>;

/** The stores' analytics result sets as AnalyticsRows. */
export function analyticsRows(buckets: readonly AnalyticsSqlRow[], topPaths: readonly AnalyticsSqlRow[]): AnalyticsRows {
  return {
    buckets: buckets.map((r) => ({
      bucketMs: Number(r.bucket),
      requests: Number(r.requests),
      status1xx: Number(r.s1),
      status2xx: Number(r.s2),
      status3xx: Number(r.s3),
      status4xx: Number(r.s4),
      status5xx: Number(r.s5),
      bytes: Number(r.bytes),
      p50: Number(r.p50),
      p95: Number(r.p95),
    })),
    topPaths: topPaths.map((r) => ({ bucketMs: Number(r.bucket), path: String(r.path), requests: Number(r.requests) })),
  };
}

export type StatusClasses = Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;

export interface AnalyticsBucket {
  start: string;
  requests: number;
  statusClasses: StatusClasses;
  bytes: number;
  durationMs: { p50: number; p95: number } | null;
  topPaths: { path: string; requests: number }[];
}

export interface AnalyticsResult {
  projectId: string;
  from: string;
  to: string;
  interval: AnalyticsInterval;
  buckets: AnalyticsBucket[];
  totals: { requests: number; bytes: number; statusClasses: StatusClasses };
}

/** Checks the range and interval; throws a ValidationError naming the field. */
export function analyticsQuery(projectId: string, from: Date, to: Date, interval: AnalyticsInterval): AnalyticsQuery {
  const intervalMs = ANALYTICS_INTERVALS[interval];
  if (to.getTime() <= from.getTime()) {
    throw new ValidationError([{ field: 'to', code: 'rangeOrder', message: 'to must be after from' }]);
  }
  const buckets = Math.ceil(to.getTime() / intervalMs) - Math.floor(from.getTime() / intervalMs);
  if (buckets > MAX_ANALYTICS_BUCKETS) {
    throw new ValidationError([
      { field: 'interval', code: 'tooManyBuckets', message: `from..to at interval ${interval} makes ${buckets} buckets; at most ${MAX_ANALYTICS_BUCKETS}` },
    ]);
  }
  return { projectId, fromMs: from.getTime(), toMs: to.getTime(), intervalMs };
}

const emptyClasses = (): StatusClasses => ({ '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });

/** Every bucket from the one holding `from` to the one holding `to - 1ms`, empty ones included. */
export function buildAnalytics(query: AnalyticsQuery, interval: AnalyticsInterval, rows: AnalyticsRows): AnalyticsResult {
  const byBucket = new Map(rows.buckets.map((b) => [b.bucketMs, b]));
  const paths = new Map<number, TopPathRow[]>();
  for (const p of rows.topPaths) paths.set(p.bucketMs, [...(paths.get(p.bucketMs) ?? []), p]);
  const totals = { requests: 0, bytes: 0, statusClasses: emptyClasses() };
  const buckets: AnalyticsBucket[] = [];
  const first = Math.floor(query.fromMs / query.intervalMs) * query.intervalMs;
  for (let start = first; start < query.toMs; start += query.intervalMs) {
    const row = byBucket.get(start);
    const classes = row
      ? { '1xx': row.status1xx, '2xx': row.status2xx, '3xx': row.status3xx, '4xx': row.status4xx, '5xx': row.status5xx }
      : emptyClasses();
    if (row) {
      totals.requests += row.requests;
      totals.bytes += row.bytes;
      for (const k of Object.keys(classes) as (keyof StatusClasses)[]) totals.statusClasses[k] += classes[k];
    }
    buckets.push({
      start: new Date(start).toISOString(),
      requests: row?.requests ?? 0,
      statusClasses: classes,
      bytes: row?.bytes ?? 0,
      durationMs: row ? { p50: row.p50, p95: row.p95 } : null,
      topPaths: (paths.get(start) ?? [])
        .sort((a, b) => b.requests - a.requests || compareBytes(a.path, b.path))
        .slice(0, TOP_PATHS_PER_BUCKET)
        .map(({ path, requests }) => ({ path, requests })),
    });
  }
  return { projectId: query.projectId, from: new Date(query.fromMs).toISOString(), to: new Date(query.toMs).toISOString(), interval, buckets, totals };
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Opaque position after a line: the API's `nextCursor`. */
export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

export function decodeSeqCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationError([{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not a valid cursor' }]);
  return Number(match[1]);
}
