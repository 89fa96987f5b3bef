import { answerMetrics } from './metrics.endpoint';

describe('/metrics answer', () => {
  const token = 'a-metrics-token-of-some-length';

  it('is open without METRICS_TOKEN: Prometheus text, not cached', async () => {
    const answer = await answerMetrics(undefined, undefined);
    expect(answer.code).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toContain('# TYPE process_cpu_seconds_total counter');
  });

  it('with METRICS_TOKEN, answers only the bearer of that token', async () => {
    expect((await answerMetrics(`Bearer ${token}`, token)).code).toBe(200);
    expect((await answerMetrics(`bearer ${token}`, token)).code).toBe(200);
  });

  it('refuses a missing, wrong or malformed credential with a 401 problem that quotes neither token', async () => {
    for (const given of [undefined, '', 'Bearer', `Bearer ${token}x`, token, `Basic ${token}`, 'Bearer short']) {
      const answer = await answerMetrics(given, token);
      expect(answer.code).toBe(401);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 401, code: 'METRICS_TOKEN_REQUIRED' });
      expect(answer.body).not.toContain(token);
    }
  });
});
