import { SecretMask } from '@deploysphere/common';
import { MAX_LOG_MESSAGE_LENGTH } from '@deploysphere/contracts';
import type { BuildLogLine, LogSink } from '@deploysphere/logs';
import type { RunnerLine } from './build-runner.port';

export interface BuildLogWriterOptions {
  /** Seq of the next line (1 for a new build; a reattached build continues where it was). */
  startSeq?: number;
  /** Bytes of build output (stdout/stderr) kept; beyond it lines are dropped with one notice. */
  maxBytes: number;
  /** Values masked as `***` in every line (the project's secret env values), in every form SecretMask knows. */
  secrets?: string[] | SecretMask;
  /** Lines are handed to the sink in batches: at most this many… */
  maxBatch?: number;
  /** …or after this long. */
  flushIntervalMs?: number;
  /** A sink failure never fails the build; it is reported here. */
  onError?: (err: unknown) => void;
  /** Longest message handed to the sink; a longer line is cut (the log pipeline refuses longer ones). */
  maxMessageLength?: number;
}

/**
 * Numbers a build's lines (per deployment, gap-free from `startSeq`), masks secret values,
 * enforces the log size limit and hands batches to the log sink in order without ever blocking
 * the build. Orchestrator notices are `system` lines and are kept even past the limit.
 *
 * A line the runner passes in pieces (`continues`) is joined again and cut where no secret
 * crosses the cut, so a secret longer than a message, or one a runner's cut fell into, is still
 * masked whole: the tail that could be the start of a secret is held until the rest arrives.
 */
export class BuildLogWriter {
  private seq: number;
  private bytes = 0;
  private truncated = false;
  private buffer: BuildLogLine[] = [];
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private readonly secrets: SecretMask;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly maxMessageLength: number;
  /** The unmasked part of a line still arriving, per stream. */
  private readonly open = new Map<RunnerLine['stream'], string>();

  constructor(
    private readonly sink: LogSink,
    readonly deploymentId: string,
    private readonly options: BuildLogWriterOptions,
  ) {
    this.seq = options.startSeq ?? 1;
    this.secrets = options.secrets instanceof SecretMask ? options.secrets : new SecretMask(options.secrets ?? []);
    this.maxBatch = options.maxBatch ?? 200;
    // Short enough for the live-log latency target (p50 ≤ 20 ms end to end), long enough to batch bursts.
    this.flushIntervalMs = options.flushIntervalMs ?? 5;
    this.maxMessageLength = options.maxMessageLength ?? MAX_LOG_MESSAGE_LENGTH;
  }

  /** The seq the next line will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** A line of the build's own output (or a runner notice). */
  line(line: RunnerLine): void {
    if (line.stream !== 'system') {
      if (this.truncated) return;
      this.bytes += Buffer.byteLength(line.message) + 1;
      if (this.bytes > this.options.maxBytes) {
        this.truncated = true;
        this.open.clear();
        this.push({ stream: 'system', ts: line.ts, message: `Build log limit of ${this.options.maxBytes} bytes reached: later output is not kept (the build goes on)` });
        return;
      }
    }
    let text = (this.open.get(line.stream) ?? '') + line.message;
    // A line still arriving is cut only once every secret that could cross the cut is complete.
    const enough = (n: number) => (line.continues ? n >= this.maxMessageLength + Math.max(0, this.secrets.longest - 1) : n > this.maxMessageLength);
    while (enough(text.length)) {
      const cut = this.secrets.cutPoint(text, this.maxMessageLength);
      this.push({ stream: line.stream, ts: line.ts, message: text.slice(0, cut) });
      text = text.slice(cut);
    }
    if (line.continues) this.open.set(line.stream, text);
    else {
      this.open.delete(line.stream);
      this.push({ stream: line.stream, ts: line.ts, message: text });
    }
  }

  /** An orchestrator notice, e.g. "Fetching source". */
  system(message: string): void {
    this.push({ stream: 'system', message, ts: new Date().toISOString() });
  }

  /** Hands everything buffered to the sink and waits for it. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) {
      const batch = this.buffer;
      this.buffer = [];
      this.chain = this.chain.then(() => this.sink.write(batch)).catch((err: unknown) => void this.options.onError?.(err));
    }
    return this.chain;
  }

  private push(line: RunnerLine): void {
    this.buffer.push({ deploymentId: this.deploymentId, seq: this.seq++, ts: line.ts, stream: line.stream, message: this.secrets.apply(line.message) });
    if (this.buffer.length >= this.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
  }
}
