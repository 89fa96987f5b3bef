import { Logger } from '@nestjs/common';
import { CoalescedRunner } from '@deploysphere/common';
import { TERMINAL_STATUSES, type DeploymentStatusName } from '@deploysphere/contracts';
import type { LiveEnd, LiveEvent, LiveLogBus, LiveSubscription, LogLine, LogStore } from '@deploysphere/logs';

/** Where a session's output goes (a Socket.IO socket in production, an array in tests). */
export interface SessionSink {
  lines(lines: LogLine[]): void;
  gap(fromSeq: number, toSeq: number): void;
  end(lastSeq: number, status: DeploymentStatusName): void;
  /** Bytes waiting to be sent to this client (all of its subscriptions). */
  buffered(): number;
  /** Resolves true once buffered() <= bytes, false after timeoutMs. */
  waitBelow(bytes: number, timeoutMs: number): Promise<boolean>;
  /** The client reads too slowly: disconnect it (SLOW_CONSUMER). */
  overflow(buffered: number): void;
  /** The subscription cannot go on (a store failed); tell the client. */
  failed(message: string): void;
}

export interface SessionOptions {
  /** Lines per backlog read and per emitted page. */
  pageSize: number;
  /** GATEWAY_SOCKET_BUFFER_MAX. */
  bufferMax: number;
  /** Live lines held while the backlog is read; beyond it they are dropped and re-read from the backlog. */
  maxPendingLines: number;
  /** A client whose buffer does not drain within this long during a backlog read is disconnected. */
  stallTimeoutMs: number;
  /** Retries (and their delay) while lines the live buffer no longer holds are not yet in the store (ingest lag). */
  storeLagRetries: number;
  storeLagDelayMs: number;
  /** A finished deployment whose live channel holds lines but no end yet gets this long for the end to arrive. */
  endWaitMs: number;
}

export const DEFAULT_SESSION_OPTIONS: Omit<SessionOptions, 'bufferMax'> = {
  pageSize: 500,
  maxPendingLines: 20_000,
  stallTimeoutMs: 30_000,
  storeLagRetries: 10,
  storeLagDelayMs: 300,
  endWaitMs: 15_000,
};

type State = 'idle' | 'catching-up' | 'live' | 'ended' | 'closed';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * One subscription of one client to one deployment's log: the backlog from `fromSeq`, then the
 * live tail, each seq exactly once and in order.
 *
 * How it avoids gaps and duplicates: it subscribes to the live channel first and only then
 * reads the backlog (the live buffer, and the store for what the buffer no longer holds). Live
 * lines arriving meanwhile are held; when the backlog is exhausted, held lines continue it and
 * the session turns live. `next` (the next seq owed) decides every line: below it is a
 * duplicate and dropped, equal is sent, above it means something was missed, and the session
 * goes back to reading the backlog from `next`. The same repair runs after a live-channel
 * reconnect. A line that exists nowhere any more is reported once as a gap.
 *
 * The end: when the build finished (an end marker on the channel, or the deployment was
 * already finished when the client subscribed) and every line up to it was sent.
 */
export class LogStreamSession {
  private readonly logger = new Logger('LogStreamSession');
  private next: number;
  private state: State = 'idle';
  private again = false;
  private pending: LogLine[] = [];
  private endMarker: LiveEnd | null = null;
  private subscription?: LiveSubscription;
  private stopResync?: () => void;
  private lagRetries = 0;
  /** Backlog reads: one at a time; a repair asked for while none runs starts one, as soon as the last has finished. */
  private readonly catching = new CoalescedRunner(
    () => this.readBacklog(),
    (err) => {
      this.logger.error({ deploymentId: this.deploymentId, err: String(err) }, 'log backlog read failed; subscription closed');
      if (this.state !== 'closed') this.sink.failed('The log backlog could not be read; subscribe again to resume');
      void this.close();
    },
  );
  /** The live channel holds (or held) lines of this deployment, so its end will come through it. */
  private channelInUse = false;
  private endTimer?: NodeJS.Timeout;

  constructor(
    readonly deploymentId: string,
    fromSeq: number,
    private readonly status: DeploymentStatusName,
    private readonly bus: LiveLogBus,
    private readonly store: LogStore,
    private readonly sink: SessionSink,
    private readonly options: SessionOptions,
  ) {
    this.next = fromSeq;
  }

  /** Subscribes to the live channel; from here on nothing published can be missed. */
  async subscribe(): Promise<void> {
    this.subscription = await this.bus.subscribe(this.deploymentId, (event) => this.onLive(event));
    this.stopResync = this.bus.onResync(() => this.catchUp());
    if (this.state === 'closed') await this.release();
  }

  /** Sends the backlog, then goes live (call after `subscribe`, once the client has its answer). */
  begin(): void {
    this.catchUp();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.release();
  }

  /** Resolves when the current backlog read (if any) is over; for tests. */
  async settled(): Promise<void> {
    await this.catching.settled();
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  get nextSeq(): number {
    return this.next;
  }

  private onLive(event: LiveEvent): void {
    if (this.state === 'closed' || this.state === 'ended') return;
    if (event.kind === 'end') {
      this.endMarker = event.end;
      this.finishIfDone();
      return;
    }
    if (this.state !== 'live') {
      for (const line of event.lines) this.pending.push(line);
      if (this.pending.length > this.options.maxPendingLines) this.pending = [];
      return;
    }
    const out: LogLine[] = [];
    for (let i = 0; i < event.lines.length; i++) {
      const line = event.lines[i];
      if (line.seq < this.next) continue;
      if (line.seq > this.next) {
        // Something went missing on the channel: hold the rest and repair from the backlog.
        this.emit(out);
        for (let j = i; j < event.lines.length; j++) this.pending.push(event.lines[j]);
        this.catchUp();
        return;
      }
      out.push(line);
      this.next++;
    }
    this.emit(out);
    if (out.length > 0) this.channelInUse = true;
    this.finishIfDone();
  }

  private emit(lines: LogLine[]): void {
    if (lines.length === 0 || this.state === 'closed') return;
    const buffered = this.sink.buffered();
    if (buffered > this.options.bufferMax) {
      this.overflow(buffered);
      return;
    }
    this.sink.lines(lines);
  }

  private overflow(buffered: number): void {
    this.state = 'closed';
    void this.release();
    this.sink.overflow(buffered);
  }

  private finishIfDone(force = false): void {
    if (this.state !== 'live') return;
    if (this.endMarker) {
      if (this.next <= this.endMarker.lastSeq) return;
    } else if (!TERMINAL_STATUSES.includes(this.status)) {
      return;
    } else if (this.channelInUse && !force) {
      // Finished, but the orchestrator may still be writing its last lines: wait for its end.
      this.endTimer ??= setTimeout(() => this.finishIfDone(true), this.options.endWaitMs);
      this.endTimer.unref();
      return;
    }
    this.state = 'ended';
    this.sink.end(this.next - 1, this.endMarker?.status ?? this.status);
    void this.release();
  }

  private catchUp(): void {
    if (this.state === 'closed' || this.state === 'ended') return;
    if (this.state === 'catching-up') {
      this.again = true;
      return;
    }
    // The state flips synchronously, so a line arriving from now on is held, even while the
    // previous read is still finishing its last microtask (the runner then reads once more).
    this.state = 'catching-up';
    this.catching.run();
  }

  private async readBacklog(): Promise<void> {
    if (this.closed) return;
    for (;;) {
      this.again = false;
      const exhausted = await this.readPage();
      if (this.state === 'closed') return;
      if (!(await this.paced())) return;
      if (!exhausted || this.again) continue;
      // The backlog is exhausted: continue it with the held live lines, synchronously, so no
      // live line can slip between the two.
      if (!this.mergePending()) continue;
      if (this.endMarker && this.next <= this.endMarker.lastSeq) {
        // The end says more lines exist than any store has yet: ingest lag, then a gap.
        if (this.lagRetries++ < this.options.storeLagRetries) {
          await sleep(this.options.storeLagDelayMs);
          continue;
        }
        this.sink.gap(this.next, this.endMarker.lastSeq);
        this.next = this.endMarker.lastSeq + 1;
      }
      this.state = 'live';
      this.finishIfDone();
      return;
    }
  }

  /** Reads and sends one page; true when nothing more is there to read. */
  private async readPage(): Promise<boolean> {
    const { pageSize } = this.options;
    const recent = await this.bus.recent(this.deploymentId, this.next, pageSize);
    if (recent.end) this.endMarker ??= recent.end;
    if (recent.lastSeq !== null) this.channelInUse = true;
    if (recent.firstSeq !== null && this.next >= recent.firstSeq) {
      this.sendPage(recent.lines);
      return recent.lines.length < pageSize;
    }
    // Older than what the live buffer holds (or it holds nothing): the store. A full page even
    // if it overlaps the buffer, so a reader always gains on a build that keeps writing.
    const stored = await this.store.readBuildLines(this.deploymentId, this.next, pageSize);
    if (stored.length > 0) {
      this.lagRetries = 0;
      this.sendPage(stored);
      return recent.firstSeq === null && stored.length < pageSize;
    }
    if (recent.firstSeq === null) return true;
    // Lines [next, firstSeq) are in neither: not ingested yet, or gone.
    if (this.lagRetries++ < this.options.storeLagRetries) {
      await sleep(this.options.storeLagDelayMs);
      return false;
    }
    this.lagRetries = 0;
    this.sink.gap(this.next, recent.firstSeq - 1);
    this.next = recent.firstSeq;
    return false;
  }

  private sendPage(lines: readonly LogLine[]): void {
    const out: LogLine[] = [];
    for (const line of lines) {
      if (line.seq < this.next) continue;
      if (line.seq > this.next) {
        this.emit(out.splice(0));
        this.sink.gap(this.next, line.seq - 1);
        this.next = line.seq;
      }
      out.push(line);
      this.next++;
    }
    this.emit(out);
  }

  /** Waits while the client's buffer is over half the cap; false when it stalled (and was disconnected). */
  private async paced(): Promise<boolean> {
    const half = this.options.bufferMax / 2;
    if (this.closed) return false;
    if (this.sink.buffered() <= half) return true;
    if (await this.sink.waitBelow(half, this.options.stallTimeoutMs)) return !this.closed;
    if (!this.closed) this.overflow(this.sink.buffered());
    return false;
  }

  /** Sends held live lines that continue the backlog; false when they leave a hole (re-read). */
  private mergePending(): boolean {
    const held = this.pending;
    this.pending = [];
    const out: LogLine[] = [];
    for (let i = 0; i < held.length; i++) {
      const line = held[i];
      if (line.seq < this.next) continue;
      if (line.seq > this.next) {
        this.emit(out);
        this.pending = held.slice(i);
        return false;
      }
      out.push(line);
      this.next++;
    }
    this.emit(out);
    return true;
  }

  private async release(): Promise<void> {
    clearTimeout(this.endTimer);
    this.stopResync?.();
    this.stopResync = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }
}
