import { Logger } from '@nestjs/common';
import { MAX_LOG_BATCH_LINES, MAX_LOG_MESSAGE_LENGTH, type BuildLogBatchV1, type DeploymentStatusName } from '@deploysphere/contracts';
import type { BuildLogLine, LogLine } from '../build-log';
import type { LiveLogBus } from '../live/live-log-bus.port';
import type { LogSink } from '../log-sink.port';
import type { LogTopicPublisher } from './log-topics.port';

export interface BuildLogPublisherOptions {
  /** Lines waiting for the log topic before `write` waits for them to be sent (backpressure). */
  maxBufferedLines?: number;
  /** How long lines wait to be sent with others to the log topic. */
  flushIntervalMs?: number;
}

interface Pending {
  lines: LogLine[];
  done: Promise<void>;
}

/**
 * The LogSink the runner writes to. Each line goes two ways:
 *  - to the live channel at once (what the gateway streams). Lines written in the same tick go
 *    in one publish. A live failure is logged, not thrown: the gateway repairs gaps from the
 *    store, and a build must not fail because Redis hiccupped;
 *  - to `logs.build.v1`, buffered and sent in batches (what log-ingest stores). Failed sends
 *    are retried; when the buffer is full, `write` waits (backpressure, no loss).
 * Lines are normalised once here (UTC ISO time with ms, no NUL, message length capped) so the
 * live view and the stored view are identical.
 */
export class BuildLogPublisher implements LogSink {
  private readonly logger = new Logger('BuildLogPublisher');
  private readonly maxBuffered: number;
  private readonly flushIntervalMs: number;
  private readonly live = new Map<string, Pending>();
  private topicBuffer: BuildLogLine[] = [];
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private failures = 0;
  private lastLiveError = 0;

  constructor(
    private readonly bus: LiveLogBus,
    private readonly topics: LogTopicPublisher,
    options: BuildLogPublisherOptions = {},
  ) {
    this.maxBuffered = options.maxBufferedLines ?? 50_000;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
  }

  async write(lines: BuildLogLine[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const raw of lines) {
      const line = normalise(raw);
      this.topicBuffer.push(line);
      let pending = this.live.get(line.deploymentId);
      if (!pending) {
        const fresh: Pending = { lines: [], done: Promise.resolve() };
        fresh.done = new Promise<void>((resolve) => setImmediate(() => void this.publishLive(line.deploymentId, fresh).then(resolve)));
        this.live.set(line.deploymentId, fresh);
        pending = fresh;
        waits.push(fresh.done);
      }
      pending.lines.push({ seq: line.seq, ts: line.ts, stream: line.stream, message: line.message });
    }
    if (this.topicBuffer.length >= Math.min(MAX_LOG_BATCH_LINES, this.maxBuffered)) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.flushIntervalMs);
    await Promise.all(waits);
    while (this.topicBuffer.length >= this.maxBuffered) {
      await this.flush().catch(() => new Promise((r) => setTimeout(r, 200)));
    }
  }

  /** Ends the deployment's live channel after its pending lines; failures are logged (the gateway falls back to the status event). */
  async end(deploymentId: string, status: DeploymentStatusName): Promise<void> {
    await this.live.get(deploymentId)?.done;
    try {
      await this.bus.end(deploymentId, status);
    } catch (err) {
      this.logger.warn({ deploymentId, err: String(err) }, 'live log end not published');
    }
  }

  /** Sends everything buffered to the log topic; rejects when the topic is unreachable (lines stay buffered). */
  async flush(): Promise<void> {
    await Promise.all([...this.live.values()].map((p) => p.done));
    while (this.sending) await this.sending.catch(() => undefined);
    if (this.topicBuffer.length === 0) return;
    this.kick();
    await this.sending;
  }

  /** Buffered lines not yet on the log topic. */
  bufferedLines(): number {
    return this.topicBuffer.length;
  }

  private async publishLive(deploymentId: string, pending: Pending): Promise<void> {
    this.live.delete(deploymentId);
    try {
      await this.bus.publish(deploymentId, pending.lines);
    } catch (err) {
      if (Date.now() - this.lastLiveError > 10_000) {
        this.lastLiveError = Date.now();
        this.logger.warn({ deploymentId, err: String(err) }, 'live log publish failed; subscribers will catch up from the store');
      }
    }
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending || this.topicBuffer.length === 0) return;
    const lines = this.topicBuffer;
    this.topicBuffer = [];
    this.sending = this.topics
      .publishBuild(toBatches(lines))
      .then(
        () => {
          this.failures = 0;
        },
        (err) => {
          // Back in front, in order, for the next attempt.
          this.topicBuffer = lines.concat(this.topicBuffer);
          this.failures++;
          this.logger.warn({ lines: lines.length, attempt: this.failures, err: String(err) }, 'build log lines not sent to the log topic; retrying');
          throw err;
        },
      )
      .finally(() => {
        this.sending = undefined;
        if (this.topicBuffer.length > 0) {
          const delay = this.failures === 0 ? 0 : Math.min(10_000, 100 * 2 ** Math.min(this.failures - 1, 7));
          this.timer ??= setTimeout(() => this.kick(), delay);
        }
      });
    this.sending.catch(() => undefined);
  }
}

function normalise(l: BuildLogLine): BuildLogLine {
  const ms = Date.parse(l.ts);
  let message = l.message.length > MAX_LOG_MESSAGE_LENGTH ? l.message.slice(0, MAX_LOG_MESSAGE_LENGTH) : l.message;
  if (message.includes('\0')) message = message.replace(/\0/g, '\uFFFD');
  return {
    deploymentId: l.deploymentId,
    seq: l.seq,
    ts: Number.isNaN(ms) ? new Date().toISOString() : new Date(ms).toISOString(),
    stream: l.stream,
    message,
  };
}

/** Consecutive lines of the same deployment become one batch (at most MAX_LOG_BATCH_LINES). */
function toBatches(lines: readonly BuildLogLine[]): BuildLogBatchV1[] {
  const byDeployment = new Map<string, BuildLogBatchV1[]>();
  for (const l of lines) {
    const batches = byDeployment.get(l.deploymentId) ?? [];
    let batch = batches[batches.length - 1];
    if (!batch || batch.lines.length >= MAX_LOG_BATCH_LINES) {
      batch = { deploymentId: l.deploymentId, lines: [] };
      batches.push(batch);
      byDeployment.set(l.deploymentId, batches);
    }
    batch.lines.push({ seq: l.seq, ts: l.ts, stream: l.stream, message: l.message });
  }
  return [...byDeployment.values()].flat();
}
