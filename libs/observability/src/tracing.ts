import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * Tracing is on only when started (OTEL_EXPORTER_OTLP_ENDPOINT set, or a test's exporter): until
 * then every helper below is a check of one boolean and a direct call, so an installation without
 * a collector pays nothing on its hot paths.
 */
let provider: NodeTracerProvider | undefined;

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (`http://collector:4318`); spans go to `<endpoint>/v1/traces` in batches. */
  endpoint?: string;
  /** Instead of OTLP (tests: the SDK's InMemorySpanExporter), each span exported as it ends. */
  exporter?: SpanExporter;
}

/** Starts the OpenTelemetry SDK for this process: W3C trace context propagation, AsyncLocalStorage context. */
export function startTracing(options: TracingOptions): void {
  if (provider) return;
  const processors: SpanProcessor[] = [];
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  if (options.endpoint) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` })));
  provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': options.serviceName }), spanProcessors: processors });
  provider.register();
}

/** Flushes what is buffered and stops tracing (shutdown, tests). */
export async function stopTracing(): Promise<void> {
  const current = provider;
  if (!current) return;
  provider = undefined;
  await current.shutdown().catch(() => undefined);
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Exports what is buffered (a process shutting down). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush().catch(() => undefined);
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** The active span's W3C `traceparent` (to carry in a message), or undefined when there is none. */
export function currentTraceparent(): string | undefined {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function parentContext(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : context.active();
}

/**
 * Runs `work` inside a new span whose parent is `traceparent` (a message's) or the active span,
 * ending it when `work` settles (an error marks it failed). Without tracing: `work()` as is.
 */
export function inSpan<T>(name: string, kind: 'server' | 'producer' | 'consumer' | 'internal', traceparent: string | undefined, attributes: Record<string, string | number>, work: () => Promise<T>): Promise<T> {
  if (!provider) return work();
  const tracer = trace.getTracer('deploysphere');
  const span = tracer.startSpan(name, { kind: KINDS[kind], attributes }, parentContext(traceparent));
  return context.with(trace.setSpan(parentContext(traceparent), span), async () => {
    try {
      return await work();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span ended by the caller (an HTTP request ends when its response finishes). */
export function startSpan(name: string, kind: 'server' | 'internal', traceparent: string | undefined, attributes: Record<string, string | number> = {}): { span: Span; context: Context } | undefined {
  if (!provider) return undefined;
  const parent = parentContext(traceparent);
  const span = trace.getTracer('deploysphere').startSpan(name, { kind: KINDS[kind], attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `fn` with `ctx` active (a span started by `startSpan`). */
export function withContext<T>(ctx: Context | undefined, fn: () => T): T {
  return ctx ? context.with(ctx, fn) : fn();
}

const KINDS = { server: SpanKind.SERVER, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER, internal: SpanKind.INTERNAL } as const;
