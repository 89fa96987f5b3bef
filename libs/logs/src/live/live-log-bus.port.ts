import type { DeploymentStatusName } from '@deploysphere/contracts';
import type { LogLine } from '../build-log';

/** The build finished; every line up to `lastSeq` went through the channel before this. */
export interface LiveEnd {
  /** Highest seq the channel accepted (0: no line went through it). */
  lastSeq: number;
  status: DeploymentStatusName;
}

export type LiveEvent = { kind: 'lines'; lines: readonly LogLine[] } | { kind: 'end'; end: LiveEnd };
export type LiveListener = (event: LiveEvent) => void;

export interface LiveSubscription {
  close(): Promise<void>;
}

/** What the channel still holds for a deployment: its recent lines and, once finished, its end. */
export interface RecentLines {
  /** Lines with seq >= fromSeq, ascending, at most `limit`. */
  lines: LogLine[];
  /** Oldest seq held (older ones were trimmed or expired); null when nothing is held. */
  firstSeq: number | null;
  lastSeq: number | null;
  end: LiveEnd | null;
}

/**
 * The live channel of build logs: one ordered channel per deployment plus a bounded buffer of
 * its recent lines. Publishing appends to the buffer and fans out in one atomic step, so a
 * subscriber that subscribes first and reads the buffer second sees every line at least once
 * (the gateway removes the overlap by seq). In process when embedded; Redis when distributed.
 */
export interface LiveLogBus {
  readonly name: string;
  /**
   * Appends lines of one deployment (ascending seq) and fans them out. Lines whose seq is not
   * above the last accepted one are dropped, so a retried write is harmless. Returns how many were accepted.
   */
  publish(deploymentId: string, lines: readonly LogLine[]): Promise<number>;
  /** Marks the deployment finished and tells its subscribers; idempotent. */
  end(deploymentId: string, status: DeploymentStatusName): Promise<LiveEnd>;
  /** Resolves once the subscription is active: everything published afterwards reaches `listener`. */
  subscribe(deploymentId: string, listener: LiveListener): Promise<LiveSubscription>;
  recent(deploymentId: string, fromSeq: number, limit: number): Promise<RecentLines>;
  /** `listener` runs when messages may have been lost (a reconnect); subscribers re-read the buffer. */
  onResync(listener: () => void): () => void;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export const LIVE_LOG_BUS = Symbol('LIVE_LOG_BUS');
