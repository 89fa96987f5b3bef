import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOutcome, BuildRunner, BuildSpec, KnownBuild, LineListener, RunningBuild } from '../../apps/orchestrator/src/runner';

/**
 * A BuildRunner that builds nothing: each build succeeds at once, leaving a one-file artifact
 * (`index.html`) and one log line, so the pipeline's own steps after the build — the BUILDING →
 * UPLOADING transition, storing the artifact, READY, the alias move and their events — all run as
 * they do after a real build. What is left to measure is the platform's scheduling overhead.
 */
export class NoopBuildRunner implements BuildRunner {
  readonly kind = 'process' as const;
  readonly isolated = true;
  started = 0;

  async isReady(): Promise<boolean> {
    return true;
  }

  async start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild> {
    const began = Date.now();
    this.started++;
    await writeFile(join(spec.outputDir, 'index.html'), `<!doctype html><h1>${spec.deploymentId}</h1>\n`);
    onLine({ stream: 'stdout', message: 'no-op build: nothing to do', ts: new Date().toISOString() });
    const outcome: BuildOutcome = { status: 'succeeded', exitCode: 0, durationMs: Date.now() - began };
    return {
      runnerRef: `noop:${spec.deploymentId}`,
      logSeqBase: spec.logSeqBase,
      outcome: Promise.resolve(outcome),
      cancel: async () => undefined,
      dispose: async () => undefined,
      detach: () => undefined,
    };
  }

  async reattach(): Promise<RunningBuild | undefined> {
    return undefined;
  }

  async listBuilds(): Promise<KnownBuild[]> {
    return [];
  }

  async remove(): Promise<void> {}

  async forgetProject(): Promise<void> {}
}
