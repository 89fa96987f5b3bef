import { MAX_ACCESS_BATCH_RECORDS, type AccessLogBatchV1, type AccessLogRecordV1 } from '@deploysphere/contracts';
import { randomBytes } from 'node:crypto';
import type { LogTopicPublisher } from './log-topics.port';

/** What the edge router records per request (its AccessLogRecord has exactly these fields). */
export type AccessRecord = Omit<AccessLogRecordV1, 'id'>;

const cut = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);
const cutOrNull = (s: string | null | undefined, max: number) => (s == null ? null : cut(s, max));

/**
 * Sends access records to `logs.access.v1`. Each record gets an id here (batch prefix + index),
 * which travels with it through every redelivery, so the store keeps one copy. Fields are
 * clamped to the contract's limits rather than refused: a long User-Agent must not cost the
 * request its log line.
 */
export class AccessLogPublisher {
  constructor(private readonly topics: LogTopicPublisher) {}

  async publish(records: readonly AccessRecord[]): Promise<void> {
    if (records.length === 0) return;
    const prefix = randomBytes(12).toString('base64url');
    const batches: AccessLogBatchV1[] = [];
    for (let i = 0; i < records.length; i += MAX_ACCESS_BATCH_RECORDS) {
      batches.push({
        records: records.slice(i, i + MAX_ACCESS_BATCH_RECORDS).map((r, j) => ({
          id: `${prefix}${(i + j).toString(36)}`,
          time: Math.max(0, Math.trunc(r.time)),
          host: cut(r.host, 255),
          deploymentId: r.deploymentId ?? null,
          projectId: r.projectId ?? null,
          method: cut(r.method, 16),
          path: cut(r.path, 2048),
          status: Math.min(999, Math.max(0, Math.trunc(r.status))),
          bytes: Math.max(0, Math.trunc(r.bytes)),
          durationMs: Number.isFinite(r.durationMs) && r.durationMs > 0 ? r.durationMs : 0,
          userAgent: cutOrNull(r.userAgent, 512),
          clientIp: cutOrNull(r.clientIp, 64),
        })),
      });
    }
    await this.topics.publishAccess(batches);
  }
}
