import { Logger } from '@nestjs/common';
import type { DeploymentStatusName } from '@deploysphere/contracts';
import type { LogLine } from '../build-log';
import type { LiveEnd, LiveEvent, LiveListener, LiveLogBus, LiveSubscription, RecentLines } from './live-log-bus.port';

export interface LiveBufferOptions {
  /** Most recent lines kept per deployment. */
  maxLines: number;
  /** A deployment's buffer is forgotten this long after its last write (when nobody listens). */
  ttlSeconds: number;
}

interface Channel {
  lines: LogLine[];
  last: number;
  end: LiveEnd | null;
  touchedAt: number;
  listeners: Set<LiveListener>;
}

/**
 * The embedded live channel: buffers and listeners in this process, with the same contract as
 * the Redis bus. Listeners run synchronously inside `publish`, in publish order.
 */
export class InMemoryLiveLogBus implements LiveLogBus {
  readonly name = 'in-memory';
  private readonly logger = new Logger('LiveLogBus');
  private readonly channels = new Map<string, Channel>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: LiveBufferOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(options.ttlSeconds * 1000, 60_000));
    this.sweeper.unref();
  }

  async publish(deploymentId: string, lines: readonly LogLine[]): Promise<number> {
    const channel = this.channel(deploymentId);
    const accepted: LogLine[] = [];
    for (const line of lines) {
      if (line.seq <= channel.last) continue;
      const copy = { seq: line.seq, ts: line.ts, stream: line.stream, message: line.message };
      channel.lines.push(copy);
      accepted.push(copy);
      channel.last = line.seq;
    }
    channel.touchedAt = Date.now();
    // Trim in chunks so a long build does not shift the array on every line.
    const excess = channel.lines.length - this.options.maxLines;
    if (excess > Math.max(64, this.options.maxLines / 16)) channel.lines.splice(0, excess);
    if (accepted.length > 0) this.dispatch(channel, { kind: 'lines', lines: accepted });
    return accepted.length;
  }

  async end(deploymentId: string, status: DeploymentStatusName): Promise<LiveEnd> {
    const channel = this.channel(deploymentId);
    channel.end = { lastSeq: channel.last, status };
    channel.touchedAt = Date.now();
    this.dispatch(channel, { kind: 'end', end: channel.end });
    return channel.end;
  }

  async subscribe(deploymentId: string, listener: LiveListener): Promise<LiveSubscription> {
    const channel = this.channel(deploymentId);
    channel.listeners.add(listener);
    return {
      close: async () => {
        channel.listeners.delete(listener);
      },
    };
  }

  async recent(deploymentId: string, fromSeq: number, limit: number): Promise<RecentLines> {
    const channel = this.channels.get(deploymentId);
    if (!channel) return { lines: [], firstSeq: null, lastSeq: null, end: null };
    const held = channel.lines.length > this.options.maxLines ? channel.lines.length - this.options.maxLines : 0;
    const start = Math.max(held, lowerBound(channel.lines, fromSeq));
    return {
      lines: channel.lines.slice(start, start + limit),
      firstSeq: channel.lines.length > held ? channel.lines[held].seq : null,
      lastSeq: channel.last || null,
      end: channel.end,
    };
  }

  onResync(): () => void {
    // Nothing in process can be lost.
    return () => undefined;
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private channel(deploymentId: string): Channel {
    let channel = this.channels.get(deploymentId);
    if (!channel) {
      channel = { lines: [], last: 0, end: null, touchedAt: Date.now(), listeners: new Set() };
      this.channels.set(deploymentId, channel);
    }
    return channel;
  }

  private dispatch(channel: Channel, event: LiveEvent): void {
    for (const listener of channel.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err }, 'live log listener failed');
      }
    }
  }

  private sweep(): void {
    const cutoff = Date.now() - this.options.ttlSeconds * 1000;
    for (const [id, channel] of this.channels) {
      if (channel.touchedAt < cutoff && channel.listeners.size === 0) this.channels.delete(id);
    }
  }
}

/** Index of the first line with seq >= `seq` (lines ascend by seq). */
function lowerBound(lines: readonly LogLine[], seq: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
