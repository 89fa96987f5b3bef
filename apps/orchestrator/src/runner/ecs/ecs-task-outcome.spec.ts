import type { Task } from '@aws-sdk/client-ecs';
import { ecsTaskEnd } from './ecs-task-outcome';

const task = (t: Partial<Task>, container: { exitCode?: number; reason?: string } = {}): Task => ({
  lastStatus: 'STOPPED',
  containers: [{ name: 'builder', ...container }],
  ...t,
});

describe('ecsTaskEnd (DescribeTasks of a STOPPED builder task)', () => {
  it('exit 0 is success', () => {
    expect(ecsTaskEnd(task({ stopCode: 'EssentialContainerExited' }, { exitCode: 0 }), 'builder')).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it("maps the builder's exit codes", () => {
    expect(ecsTaskEnd(task({}, { exitCode: 10 }), 'builder')).toMatchObject({ failureCode: 'INSTALL_FAILED', exitCode: 10 });
    expect(ecsTaskEnd(task({}, { exitCode: 12 }), 'builder')).toMatchObject({ failureCode: 'OUTPUT_MISSING' });
  });

  it('OutOfMemoryError in the container reason is OUT_OF_MEMORY', () => {
    expect(ecsTaskEnd(task({ stoppedReason: 'Essential container in task exited' }, { exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }), 'builder')).toMatchObject({
      failureCode: 'OUT_OF_MEMORY',
    });
  });

  it('a task that never started (image pull, capacity) is RUNNER_UNAVAILABLE with its reason', () => {
    const end = ecsTaskEnd(task({ stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied' }), 'builder');
    expect(end).toMatchObject({ failureCode: 'RUNNER_UNAVAILABLE' });
    expect(end.kind === 'failed' && end.failureMessage).toContain('CannotPullContainerError');
  });

  it('no exit code and no reason is BUILD_CRASHED', () => {
    expect(ecsTaskEnd(task({ stoppedReason: 'Host EC2 terminated' }), 'builder')).toMatchObject({ failureCode: 'BUILD_CRASHED' });
  });
});
