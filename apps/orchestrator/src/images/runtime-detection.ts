import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a project says about how it is served; null fields are detected from the source. */
export interface RuntimeSettings {
  runtime: 'static' | 'container' | null;
  rootDirectory: string | null;
  outputDirectory: string | null;
  framework: string | null;
}

export type RuntimeDecision =
  | { runtime: 'static'; reason: string }
  /** `dockerfile`: the project's own Dockerfile; `node`: the platform writes one FROM its Node runtime image. */
  | { runtime: 'container'; image: 'dockerfile' | 'node'; nodeMajor?: '22' | '24'; reason: string };

/** A project whose runtime cannot be decided as configured (the build fails INVALID_CONFIGURATION). */
export class RuntimeDetectionError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
}

/**
 * Dependencies of the frameworks the builder turns into a static site: their `start` script is a
 * development server, not the app, so such a project stays static unless it says otherwise.
 */
const STATIC_FRAMEWORK_DEPS = ['next', 'gatsby', '@sveltejs/kit', 'astro', 'nuxt', '@docusaurus/core', 'react-scripts', '@vue/cli-service', 'vite', 'parcel'];

const isFile = (path: string): boolean => {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
};

interface PackageJson {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  engines?: { node?: unknown };
}

function readPackageJson(dir: string): PackageJson | undefined {
  const path = join(dir, 'package.json');
  if (!isFile(path)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PackageJson) : undefined;
  } catch {
    throw new RuntimeDetectionError('package.json is not valid JSON');
  }
}

/**
 * The Node major of the runtime image: the highest of 24 and 22 that `engines.node` admits
 * (a plain range check on the majors it names: `>=22`, `^22.12`, `22.x`, `24`, `>=20 <23` …),
 * else `fallback`.
 */
export function nodeMajorFor(engines: unknown, fallback: '22' | '24'): '22' | '24' {
  if (typeof engines !== 'string' || !engines.trim()) return fallback;
  const admits = (major: number) =>
    engines.split('||').some((alt) => {
      const parts = alt.trim().split(/\s+/).filter(Boolean);
      if (parts.length === 0) return false;
      return parts.every((part) => {
        const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(part);
        if (!m) return part === '*' || part === 'x';
        const [, op = '', majText] = m;
        const v = Number(majText);
        switch (op) {
          case '>=': return major >= v;
          case '>': return major > v || (major === v && m[3] !== undefined && m[3] !== 'x' && m[3] !== '*');
          case '<': return major < v || (major === v && m[3] !== undefined && Number(m[3]) > 0);
          case '<=': return major <= v;
          default: return major === v;
        }
      });
    });
  if (admits(24)) return '24';
  if (admits(22)) return '22';
  return fallback;
}

/**
 * How a deployment is served (docs/builds.md, "Server apps"): the project's `runtime` when set;
 * otherwise a `Dockerfile` in the root directory makes it a container built from it, a
 * package.json with a `start` script and no static output configured (no output directory, no
 * framework, no static framework among its dependencies) makes it a container from the Node
 * runtime image, and anything else is static.
 */
export function detectRuntime(srcDir: string, settings: RuntimeSettings, defaultNode: '22' | '24'): RuntimeDecision {
  if (settings.runtime === 'static') return { runtime: 'static', reason: 'the project\'s runtime setting' };
  const root = join(srcDir, settings.rootDirectory ?? '.');
  if (isFile(join(root, 'Dockerfile'))) {
    return { runtime: 'container', image: 'dockerfile', reason: settings.runtime ? 'the project\'s runtime setting; its Dockerfile' : 'a Dockerfile in the root directory' };
  }
  const pkg = readPackageJson(root);
  const start = typeof pkg?.scripts?.start === 'string' && pkg.scripts.start.trim() !== '';
  const nodeMajor = nodeMajorFor(pkg?.engines?.node, defaultNode);
  if (settings.runtime === 'container') {
    if (!pkg) throw new RuntimeDetectionError('runtime is container, but the root directory has neither a Dockerfile nor a package.json');
    return { runtime: 'container', image: 'node', nodeMajor, reason: 'the project\'s runtime setting' };
  }
  if (!pkg || !start) return { runtime: 'static', reason: pkg ? 'package.json has no start script' : 'no Dockerfile or package.json' };
  if (settings.outputDirectory) return { runtime: 'static', reason: 'an output directory is configured' };
  if (settings.framework) return { runtime: 'static', reason: 'a static framework is configured' };
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const framework = STATIC_FRAMEWORK_DEPS.find((d) => d in deps);
  if (framework) return { runtime: 'static', reason: `${framework} builds a static site (its start script is a development server)` };
  return { runtime: 'container', image: 'node', nodeMajor, reason: 'package.json has a start script and no static output is configured' };
}
