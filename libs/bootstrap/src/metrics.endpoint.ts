import { scrapeMetrics } from '@deploysphere/observability';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface MetricsAnswer {
  code: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `/metrics` for any listener: the process's registry in Prometheus text format. With a
 * METRICS_TOKEN, only `Authorization: Bearer <token>` gets it (compared in constant time);
 * anything else is a 401 problem, and the token never appears in an answer.
 */
export async function answerMetrics(authorization: string | undefined, token: string | undefined): Promise<MetricsAnswer> {
  if (token !== undefined) {
    const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), digest(token))) {
      const problem = { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'METRICS_TOKEN_REQUIRED', detail: '/metrics needs Authorization: Bearer <METRICS_TOKEN>' };
      return { code: 401, headers: { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="metrics"' }, body: JSON.stringify(problem) };
    }
  }
  const { contentType, body } = await scrapeMetrics();
  return { code: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
}
