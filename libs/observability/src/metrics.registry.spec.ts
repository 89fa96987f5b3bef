import { counter, sampledCounter, sampledGauge, scrapeMetrics } from './metrics.registry';

const line = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

describe('the process metrics registry', () => {
  it('creates a metric once per name: a second app in the process gets the same one', () => {
    const a = counter('test_reused_total', 'a counter', ['kind']);
    const b = counter('test_reused_total', 'a counter', ['kind']);
    expect(b).toBe(a);
  });

  it('has the Node process metrics', async () => {
    const { contentType, body } = await scrapeMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(body).toMatch(/^# TYPE nodejs_eventloop_lag_p99_seconds gauge$/m);
  });

  it('a sampled gauge adds up its sources at scrape time; a removed source no longer counts', async () => {
    const gauge = sampledGauge('test_sampled_items', 'items', ['queue']);
    let n = 3;
    const removeFirst = gauge.add((set) => set({ queue: 'a' }, n));
    gauge.add(async (set) => set({ queue: 'a' }, 4));
    expect(line((await scrapeMetrics()).body, 'test_sampled_items{')).toEqual(['test_sampled_items{queue="a"} 7']);
    n = 10;
    expect(line((await scrapeMetrics()).body, 'test_sampled_items{')).toEqual(['test_sampled_items{queue="a"} 14']);
    removeFirst();
    expect(line((await scrapeMetrics()).body, 'test_sampled_items{')).toEqual(['test_sampled_items{queue="a"} 4']);
  });

  it('a source that throws or never answers is left out; the scrape still completes with the others', async () => {
    const gauge = sampledGauge('test_sampled_faulty', 'faulty');
    gauge.add(() => {
      throw new Error('database down');
    });
    gauge.add(() => new Promise<void>(() => undefined));
    gauge.add((set) => set({}, 5));
    const { body } = await scrapeMetrics();
    expect(line(body, 'test_sampled_faulty ')).toEqual(['test_sampled_faulty 5']);
  });

  it('a sampled counter reports the running totals its source keeps as plain numbers', async () => {
    const totals = { hit: 0, miss: 0 };
    sampledCounter('test_lookups_total', 'lookups', ['result']).add((set) => {
      set({ result: 'hit' }, totals.hit);
      set({ result: 'miss' }, totals.miss);
    });
    totals.hit += 3;
    totals.miss += 1;
    const { body } = await scrapeMetrics();
    expect(line(body, 'test_lookups_total{')).toEqual(['test_lookups_total{result="hit"} 3', 'test_lookups_total{result="miss"} 1']);
    expect(body).toMatch(/^# TYPE test_lookups_total counter$/m);
  });
});
