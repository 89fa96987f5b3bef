import { writeFileSync } from 'node:fs';
import type { BuildOutcome, BuildRunner, BuildSpec, KnownBuild, LineListener, RunningBuild } from '../../apps/orchestrator/src/runner';

interface FakeBuild {
  spec: BuildSpec;
  finish(outcome?: Partial<BuildOutcome>): void;
  canceled: boolean;
}

/**
 * A BuildRunner whose builds end when the test says so: scheduling tests control exactly which
 * builds run at the same time. Records every start, and the highest number running at once.
 */
export class FakeRunner implements BuildRunner {
  readonly kind = 'docker' as const;
  readonly isolated = true;
  readonly started: string[] = [];
  readonly running = new Map<string, FakeBuild>();
  maxConcurrent = 0;
  /** When set, builds succeed on their own after this many ms. */
  autoFinishMs?: number;
  ready = true;

  async isReady(): Promise<boolean> {
    return this.ready;
  }

  async start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild> {
    this.started.push(spec.deploymentId);
    let resolve!: (o: BuildOutcome) => void;
    const outcome = new Promise<BuildOutcome>((r) => (resolve = r));
    const build: FakeBuild = {
      spec,
      canceled: false,
      finish: (o = {}) => {
        if (!this.running.delete(spec.deploymentId)) return;
        // A real build leaves an artifact.
        writeFileSync(`${spec.outputDir}/index.html`, `<h1>${spec.deploymentId}</h1>`);
        resolve({ status: 'succeeded', exitCode: 0, durationMs: 1, ...o });
      },
    };
    this.running.set(spec.deploymentId, build);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running.size);
    onLine({ stream: 'stdout', message: `fake build of ${spec.deploymentId}`, ts: new Date().toISOString() });
    if (this.autoFinishMs !== undefined) setTimeout(() => build.finish(), this.autoFinishMs);
    return {
      runnerRef: `fake:${spec.deploymentId}`,
      logSeqBase: spec.logSeqBase,
      outcome,
      cancel: async () => {
        build.canceled = true;
        build.finish({ status: 'canceled', exitCode: 143, failureCode: 'CANCELED' });
      },
      dispose: async () => undefined,
      detach: () => undefined,
    };
  }

  async reattach(): Promise<RunningBuild | undefined> {
    return undefined;
  }

  async listBuilds(): Promise<KnownBuild[]> {
    return [...this.running.keys()].map((deploymentId) => ({ deploymentId, runnerRef: `fake:${deploymentId}`, running: true }));
  }

  async remove(deploymentId: string): Promise<void> {
    this.running.get(deploymentId)?.finish({ status: 'canceled', exitCode: 137, failureCode: 'CANCELED' });
  }

  async forgetProject(): Promise<void> {}

  /** Finishes the build of `deploymentId` once it has started. */
  async finishWhenStarted(deploymentId: string, outcome?: Partial<BuildOutcome>, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!this.running.has(deploymentId)) {
      if (Date.now() > until) throw new Error(`build ${deploymentId} never started`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.running.get(deploymentId)!.finish(outcome);
  }
}
