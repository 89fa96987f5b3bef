/**
 * Stable failure codes of a deployment (deployments.failure_code, DeploymentFailed.v1). Clients
 * match on them: add codes, never rename one. docs/builds.md explains each.
 */
export const BuildFailureCodes = {
  /** The source could not be fetched (upload missing or invalid, git clone failed). */
  SOURCE_FETCH_FAILED: 'SOURCE_FETCH_FAILED',
  /** Builder exit 3: the source is empty or the workspace unusable. */
  SOURCE_INVALID: 'SOURCE_INVALID',
  /** Builder exit 2: rootDirectory/outputDirectory invalid, package.json not JSON. */
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  /** Builder exit 9: pnpm/yarn unavailable, bun lockfile. */
  PACKAGE_MANAGER_UNAVAILABLE: 'PACKAGE_MANAGER_UNAVAILABLE',
  INSTALL_FAILED: 'INSTALL_FAILED',
  BUILD_FAILED: 'BUILD_FAILED',
  /** Builder exit 12: no output directory, or it is empty. */
  OUTPUT_MISSING: 'OUTPUT_MISSING',
  /** Builder exit 13, or the artifact could not be copied out of the build. */
  OUTPUT_COPY_FAILED: 'OUTPUT_COPY_FAILED',
  OUTPUT_TOO_LARGE: 'OUTPUT_TOO_LARGE',
  /** The build was killed for exceeding its memory limit. */
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  TIMED_OUT: 'TIMED_OUT',
  CANCELED: 'CANCELED',
  /** A newer queued deployment of the same project and target replaced this one before it started. */
  SUPERSEDED: 'SUPERSEDED',
  /** The build ended in a way the builder does not report (killed by a signal, engine exit code). */
  BUILD_CRASHED: 'BUILD_CRASHED',
  /** The engine could not start the build (no daemon, image missing, RunTask refused). */
  RUNNER_UNAVAILABLE: 'RUNNER_UNAVAILABLE',
  /** The engine failed while the build ran (lost container, API errors). */
  RUNNER_ERROR: 'RUNNER_ERROR',
  UPLOAD_FAILED: 'UPLOAD_FAILED',
  /** An env var could not be decrypted (the encryption key changed). */
  ENV_DECRYPTION_FAILED: 'ENV_DECRYPTION_FAILED',
  /** The orchestrator that ran the build went away and the build could not be found again. */
  ORCHESTRATOR_RESTARTED: 'ORCHESTRATOR_RESTARTED',
} as const;

export type BuildFailureCode = (typeof BuildFailureCodes)[keyof typeof BuildFailureCodes];

/** The builder's exit codes (deploy/builder/build.sh) and what they mean for the deployment. */
const BUILDER_EXIT: Record<number, { code: BuildFailureCode; message: string }> = {
  2: { code: 'INVALID_CONFIGURATION', message: 'The build settings are invalid (rootDirectory, outputDirectory or package.json)' },
  3: { code: 'SOURCE_INVALID', message: 'The source is missing or empty' },
  9: { code: 'PACKAGE_MANAGER_UNAVAILABLE', message: 'The package manager the project needs is not available' },
  10: { code: 'INSTALL_FAILED', message: 'Installing dependencies failed' },
  11: { code: 'BUILD_FAILED', message: 'The build command failed' },
  12: { code: 'OUTPUT_MISSING', message: 'The build produced no output directory, or it is empty' },
  13: { code: 'OUTPUT_COPY_FAILED', message: 'Copying the build output failed' },
};

/** Maps how a build process ended to a failure; `oomKilled` wins over the exit status. */
export function failureForExit(exitCode: number | null, oomKilled = false): { code: BuildFailureCode; message: string } {
  if (oomKilled) return { code: 'OUT_OF_MEMORY', message: 'The build ran out of memory (raise the memory limit or reduce what the build holds)' };
  if (exitCode !== null && BUILDER_EXIT[exitCode]) return BUILDER_EXIT[exitCode];
  return { code: 'BUILD_CRASHED', message: exitCode === null ? 'The build ended without an exit status' : `The build ended with exit status ${exitCode}` };
}

/** The runner could not start a build at all; the deployment fails with `code`. */
export class RunnerUnavailableError extends Error {
  readonly code: BuildFailureCode = 'RUNNER_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerUnavailableError';
  }
}

/** The artifact is larger than BUILD_OUTPUT_MAX_BYTES. */
export class OutputTooLargeError extends Error {
  readonly code: BuildFailureCode = 'OUTPUT_TOO_LARGE';
  constructor(limit: number) {
    super(`The build output is larger than the limit of ${limit} bytes`);
    this.name = 'OutputTooLargeError';
  }
}
