import type { BuildSpec } from './build-runner.port';

/**
 * Variables that configure the builder itself (docs/builder.md) or the runner. A project variable
 * with one of these names is not passed to the build: the project's settings decide them.
 */
export const RESERVED_BUILD_ENV = new Set(['ROOT_DIRECTORY', 'INSTALL_COMMAND', 'BUILD_COMMAND', 'OUTPUT_DIRECTORY', 'FRAMEWORK']);
export const RESERVED_BUILD_ENV_PREFIX = 'DEPLOYSPHERE_';

export function isReservedBuildEnv(key: string): boolean {
  return RESERVED_BUILD_ENV.has(key) || key.startsWith(RESERVED_BUILD_ENV_PREFIX);
}

/** The environment of one build: the project's variables plus its settings in the builder's names. */
export function builderEnvironment(spec: Pick<BuildSpec, 'env' | 'settings'>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.env)) if (!isReservedBuildEnv(key)) env[key] = value;
  const s = spec.settings;
  if (s.rootDirectory) env.ROOT_DIRECTORY = s.rootDirectory;
  if (s.installCommand) env.INSTALL_COMMAND = s.installCommand;
  if (s.buildCommand) env.BUILD_COMMAND = s.buildCommand;
  if (s.outputDirectory) env.OUTPUT_DIRECTORY = s.outputDirectory;
  if (s.framework && s.framework !== 'other') env.FRAMEWORK = s.framework;
  return env;
}
