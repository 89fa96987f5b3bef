import { ValidationError } from '@deploysphere/common';
import { analyticsQuery, analyticsRows, buildAnalytics, decodeSeqCursor, encodeSeqCursor, MAX_ANALYTICS_BUCKETS } from './log-query';
import { cutoffDate, cutoffDay } from './retention';

const P = 'prj_01jd8x3k9m2f4q7r8s9t0v1w2x';

describe('log queries', () => {
  it('round-trips the seq cursor and refuses a forged one', () => {
    expect(decodeSeqCursor(encodeSeqCursor(1234))).toBe(1234);
    expect(() => decodeSeqCursor(Buffer.from('seq:-1').toString('base64url'))).toThrow(ValidationError);
    expect(() => decodeSeqCursor('bm9wZQ')).toThrow(ValidationError);
  });

  it('maps both drivers\' analytics rows (pg bigint, ClickHouse strings) to the same numbers', () => {
    const expected = {
      buckets: [{ bucketMs: 3_600_000, requests: 7, status1xx: 0, status2xx: 5, status3xx: 1, status4xx: 1, status5xx: 0, bytes: 1234, p50: 12, p95: 40 }],
      topPaths: [{ bucketMs: 3_600_000, path: '/a', requests: 4 }],
    };
    const pg = analyticsRows(
      [{ bucket: 3_600_000n, requests: 7n, s1: 0n, s2: 5n, s3: 1n, s4: 1n, s5: 0n, bytes: 1234n, p50: 12, p95: 40 }],
      [{ bucket: 3_600_000n, path: '/a', requests: 4n }],
    );
    const clickhouse = analyticsRows(
      [{ bucket: '3600000', requests: '7', s1: '0', s2: '5', s3: '1', s4: '1', s5: '0', bytes: '1234', p50: 12, p95: 40 }],
      [{ bucket: '3600000', path: '/a', requests: '4' }],
    );
    expect(pg).toEqual(expected);
    expect(clickhouse).toEqual(expected);
  });

  it('checks the analytics range and the number of buckets', () => {
    const from = new Date('2026-11-26T00:00:00Z');
    expect(() => analyticsQuery(P, from, from, '1h')).toThrow(ValidationError);
    expect(() => analyticsQuery(P, from, new Date(from.getTime() + (MAX_ANALYTICS_BUCKETS + 1) * 60_000), '1m')).toThrow(ValidationError);
    expect(analyticsQuery(P, from, new Date('2026-11-27T00:00:00Z'), '1h')).toEqual({ projectId: P, fromMs: from.getTime(), toMs: from.getTime() + 86_400_000, intervalMs: 3_600_000 });
  });

  it('returns every bucket from the one holding `from`, empty ones included, with totals', () => {
    const q = analyticsQuery(P, new Date('2026-11-26T10:30:00Z'), new Date('2026-11-26T13:00:00Z'), '1h');
    const t11 = Date.parse('2026-11-26T11:00:00Z');
    const result = buildAnalytics(q, '1h', {
      buckets: [{ bucketMs: t11, requests: 3, status1xx: 0, status2xx: 2, status3xx: 0, status4xx: 1, status5xx: 0, bytes: 300, p50: 5, p95: 9 }],
      topPaths: [
        { bucketMs: t11, path: '/b', requests: 1 },
        { bucketMs: t11, path: '/a', requests: 2 },
      ],
    });
    expect(result.buckets.map((b) => b.start)).toEqual(['2026-11-26T10:00:00.000Z', '2026-11-26T11:00:00.000Z', '2026-11-26T12:00:00.000Z']);
    expect(result.buckets[0]).toMatchObject({ requests: 0, durationMs: null, topPaths: [] });
    expect(result.buckets[1]).toMatchObject({ requests: 3, bytes: 300, durationMs: { p50: 5, p95: 9 }, topPaths: [{ path: '/a', requests: 2 }, { path: '/b', requests: 1 }] });
    expect(result.totals).toEqual({ requests: 3, bytes: 300, statusClasses: { '1xx': 0, '2xx': 2, '3xx': 0, '4xx': 1, '5xx': 0 } });
  });

  it('keeps whole UTC days for retention', () => {
    const now = new Date('2026-11-26T05:00:00Z');
    expect(cutoffDate(30, now).toISOString()).toBe('2026-10-27T00:00:00.000Z');
    expect(cutoffDay(30, now)).toBe(20261027);
  });
});
