import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import type { BuildLogLine, LogLine } from '../build-log';
import type { AnalyticsQuery, AnalyticsRows, BuildLogSearch } from './log-query';

/**
 * Where build and access logs are kept for search and analytics: the metadata database when
 * embedded, ClickHouse when distributed. Both answer every query identically (one behaviour
 * suite runs against both). Inserting a row twice stores it once.
 */
export interface LogStore {
  readonly name: string;
  /** Creates what is missing (tables, ClickHouse database); idempotent, safe from several processes. */
  ensureSchema(): Promise<void>;
  insertBuildLines(lines: readonly BuildLogLine[]): Promise<void>;
  insertAccessRecords(records: readonly AccessLogRecordV1[]): Promise<void>;
  /** The gateway's backlog read: lines with seq >= fromSeq, ascending, at most `limit`. */
  readBuildLines(deploymentId: string, fromSeq: number, limit: number): Promise<LogLine[]>;
  searchBuildLines(search: BuildLogSearch): Promise<LogLine[]>;
  accessAnalytics(query: AnalyticsQuery): Promise<AnalyticsRows>;
  /** Removes logs older than `days` days before `now` (whole UTC days); returns what was dropped. */
  dropExpired(days: number, now?: Date): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const LOG_STORE = Symbol('LOG_STORE');
