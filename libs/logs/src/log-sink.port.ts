import type { BuildLogLine } from './build-log';

/**
 * Where a running build's lines go. The runner calls `write` in `seq` order; an adapter fans
 * them out (live channel, log topic, store). `write` must not block the build for long:
 * adapters buffer and batch.
 */
export interface LogSink {
  write(lines: BuildLogLine[]): Promise<void>;
}

export const LOG_SINK = Symbol('LOG_SINK');
