import type { DeploymentStatusName } from '@deploysphere/contracts';
import type { BuildLogLine } from './build-log';

/**
 * Where a running build's lines go. The runner calls `write` in `seq` order; an adapter fans
 * them out (live channel, log topic, store). `write` must not block the build for long:
 * adapters buffer and batch.
 */
export interface LogSink {
  write(lines: BuildLogLine[]): Promise<void>;
  /**
   * The build's log is complete: call once its last line was written (after the writer's final
   * flush), with the deployment's final status. Live subscribers get every line up to here,
   * then the end of the stream. Never throws. Optional so test sinks need not implement it.
   */
  end?(deploymentId: string, status: DeploymentStatusName): Promise<void>;
}

export const LOG_SINK = Symbol('LOG_SINK');
