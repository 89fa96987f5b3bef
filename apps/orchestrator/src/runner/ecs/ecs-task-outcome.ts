import type { Task } from '@aws-sdk/client-ecs';
import { failureForExit, type BuildFailureCode } from '../build-failure';

export type EcsTaskEnd =
  | { kind: 'exited'; exitCode: 0 }
  | { kind: 'failed'; exitCode: number | null; failureCode: BuildFailureCode; failureMessage: string };

/**
 * How a STOPPED builder task ended, from DescribeTasks: the task never started (image pull,
 * capacity, ENI: stopCode TaskFailedToStart), the container was killed for memory
 * (`OutOfMemoryError` in its reason), or the builder's own exit status.
 */
export function ecsTaskEnd(task: Task, containerName: string): EcsTaskEnd {
  const container = task.containers?.find((c) => c.name === containerName) ?? task.containers?.[0];
  const reason = [task.stoppedReason, container?.reason].filter(Boolean).join('; ');
  if (task.stopCode === 'TaskFailedToStart') {
    return { kind: 'failed', exitCode: null, failureCode: 'RUNNER_UNAVAILABLE', failureMessage: `The ECS build task failed to start: ${reason || 'no reason given'}` };
  }
  const oom = /OutOfMemoryError/i.test(reason);
  const exitCode = container?.exitCode ?? null;
  if (exitCode === 0 && !oom) return { kind: 'exited', exitCode: 0 };
  if (exitCode === null && !oom) {
    return { kind: 'failed', exitCode: null, failureCode: 'BUILD_CRASHED', failureMessage: `The ECS build task stopped without an exit status${reason ? `: ${reason}` : ''}` };
  }
  const failure = failureForExit(exitCode, oom);
  return { kind: 'failed', exitCode, failureCode: failure.code, failureMessage: failure.message };
}
