import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's one registry. Every app composed into a process shares it, so `npm start`
 * (five apps, one process) has one `/metrics` with all of them; each distributed process has
 * its own. Metrics are created once per name and reused (a test process builds several apps).
 */
const registry = new Registry();
collectDefaultMetrics({ register: registry });

export function metricsRegistry(): Registry {
  return registry;
}

/** Prometheus text of every metric, and its content type. */
export async function scrapeMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

export function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string = never>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
  return (registry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}

/** Labels and value a sampled gauge's source reports. */
export type Sample<L extends string> = (labels: Partial<Record<L, string>>, value: number) => void;
export type GaugeSource<L extends string> = (set: Sample<L>) => void | Promise<void>;

/** A source that does not answer within this is left out of the scrape rather than stall it. */
const SAMPLE_TIMEOUT_MS = 2_000;

const sources = new Map<string, Set<GaugeSource<string>>>();

/** Asks every source within the time bound; one that throws or is slow is left out. */
function sampleAll(own: Set<GaugeSource<string>>, set: Sample<string>): Promise<unknown> {
  return Promise.all(
    [...own].map((source) =>
      Promise.race([Promise.resolve().then(() => source(set)).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, SAMPLE_TIMEOUT_MS).unref())]),
    ),
  );
}

function sampled<L extends string>(name: string, create: (own: Set<GaugeSource<string>>) => void): { add(source: GaugeSource<L>): () => void } {
  let own = sources.get(name);
  if (!own) {
    own = new Set();
    sources.set(name, own);
    create(own);
  }
  const target = own;
  return {
    add(source) {
      target.add(source as GaugeSource<string>);
      return () => target.delete(source as GaugeSource<string>);
    },
  };
}

/**
 * A gauge read at scrape time from the sources registered to it (each app instance in the process
 * adds its own, and removes it when it stops). Sources reporting the same labels add up.
 */
export function sampledGauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): { add(source: GaugeSource<L>): () => void } {
  return sampled<L>(name, (own) => {
    const gauge: Gauge<string> = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        gauge.reset();
        await sampleAll(own, (labels, value) => gauge.inc(labels as Record<string, string>, value));
      },
    });
  });
}

/**
 * A counter whose totals are kept by its sources as plain numbers (a hot path adds to a field,
 * not to a labelled metric) and read at scrape time. Each source reports its running totals.
 */
export function sampledCounter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): { add(source: GaugeSource<L>): () => void } {
  return sampled<L>(name, (own) => {
    const total: Counter<string> = new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        total.reset();
        await sampleAll(own, (labels, value) => total.inc(labels as Record<string, string>, value));
      },
    });
  });
}
