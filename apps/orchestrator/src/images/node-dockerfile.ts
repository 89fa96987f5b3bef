import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The name the platform's own Dockerfile gets in the build context (a project file of that name is replaced). */
export const GENERATED_DOCKERFILE = '.deploysphere.Dockerfile';

/**
 * The Dockerfile of a package.json app without its own (docs/builds.md, "Server apps"): FROM the
 * platform's Node runtime image, the manifest and lockfile copied first so that a source change
 * reuses the dependency layer and a dependency change rebuilds from the install step on; with a
 * `build` script, dev dependencies are installed for it and pruned after. npm's cache stays out
 * of the image. The image's own command (`npm start`) runs the app.
 */
export function nodeDockerfile(contextDir: string, image: string): string {
  let scripts: Record<string, unknown> = {};
  try {
    scripts = (JSON.parse(readFileSync(join(contextDir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    // runtime-detection.ts already refused a package.json that is not JSON.
  }
  const build = typeof scripts.build === 'string' && scripts.build.trim() !== '';
  const locked = existsSync(join(contextDir, 'package-lock.json')) || existsSync(join(contextDir, 'npm-shrinkwrap.json'));
  const install = `${locked ? 'npm ci' : 'npm install'}${build ? ' --include=dev' : ' --omit=dev'}`;
  return [
    `FROM ${image}`,
    'COPY --chown=10001:10001 package.json package-lock.json* npm-shrinkwrap.json* .npmrc* ./',
    `RUN NPM_CONFIG_CACHE=/tmp/.npm ${install} && rm -rf /tmp/.npm`,
    'COPY --chown=10001:10001 . .',
    ...(build ? ['RUN NPM_CONFIG_CACHE=/tmp/.npm npm run build && npm prune --omit=dev && rm -rf /tmp/.npm'] : []),
    '',
  ].join('\n');
}
