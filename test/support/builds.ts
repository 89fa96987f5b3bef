import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packDirectory, type BuildLimits, type RunnerLine } from '../../apps/orchestrator/src/runner';
import { gzipSync } from 'node:zlib';
import type { SourceFetcher, SourceReference } from '@deploysphere/source';

export const REPO_ROOT = join(__dirname, '..', '..');
export const FIXTURE_SITES = join(REPO_ROOT, 'test', 'fixtures', 'sites');

/**
 * The builder image for tests: scripts/builder-image.sh prints its tag (a no-op in ≈0.2 s when it
 * exists; scripts/test.sh builds it before jest). No engine or no image FAILS the test: never skipped.
 */
export async function builderImage(): Promise<string> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`No Docker engine answers (${(err as Error).message}): run scripts/services/docker.sh start`);
  }
  const out = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'builder-image.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 600_000 });
  return out.trim().split('\n').pop()!;
}

export const TEST_LIMITS: BuildLimits = { timeoutSeconds: 300, memoryMb: 1024, cpus: 1, pids: 512, outputMaxBytes: 100 * 1024 * 1024 };

export function scratchDir(prefix = 'ds-build-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file under `dir` as relative POSIX paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Collects runner lines for assertions. */
export function lineCollector(): { lines: RunnerLine[]; onLine: (l: RunnerLine) => void; text: () => string } {
  const lines: RunnerLine[] = [];
  return { lines, onLine: (l) => lines.push(l), text: () => lines.map((l) => l.message).join('\n') };
}

/**
 * Stands in for libs/source's fetcher: a deployment's `sourceKey` names a directory (a fixture
 * site under test/fixtures/sites, or an absolute path) that is copied into the target.
 */
export class DirectorySourceFetcher implements SourceFetcher {
  /** Deployments whose source this fetcher materialized, in order. */
  readonly fetched: string[] = [];

  async fetch(ref: SourceReference, targetDir: string, signal?: AbortSignal): Promise<{ commitSha?: string }> {
    signal?.throwIfAborted();
    const key = ref.sourceKey ?? '';
    if (!key) throw new Error(`deployment ${ref.deploymentId} has no source`);
    const from = key.startsWith('/') ? key : join(FIXTURE_SITES, key);
    cpSync(from, targetDir, { recursive: true, filter: (p) => !p.includes('node_modules') && !/[\\/]dist([\\/]|$)/.test(p.slice(from.length)) });
    this.fetched.push(ref.deploymentId);
    return {};
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A gzipped tar of a directory, as `tar -czf - -C dir .` uploads it (node_modules and dist left out). */
export async function tarGzDirectory(dir: string): Promise<Buffer> {
  const staged = scratchDir('ds-upload-');
  try {
    cpSync(dir, staged, { recursive: true, filter: (p) => !/[\\/](node_modules|dist)([\\/]|$)/.test(p.slice(dir.length)) });
    const chunks: Buffer[] = [];
    for await (const chunk of packDirectory(staged, { prefix: '.' })) chunks.push(chunk as Buffer);
    return gzipSync(Buffer.concat(chunks));
  } finally {
    removeDir(staged);
  }
}
