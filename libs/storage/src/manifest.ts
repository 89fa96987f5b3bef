import type { ArtifactManifest, ManifestEntry } from './artifact-store.port';

// Every key the stores write is built here from validated parts, so neither a hostile
// manifest nor a hostile file name can address anything outside its own space.

export const MANIFEST_VERSION = 1 as const;
export const MAX_PATH_LENGTH = 1024;
export const MAX_MANIFEST_FILES = 200_000;

const SHA256_RE = /^[0-9a-f]{64}$/;
// One path segment: ids end up in object keys and directory names, never in a shell.
const DEPLOYMENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
// RFC 9110 token / media type with optional parameters. The content type is served as a
// response header, so CR/LF (header injection) and anything exotic is refused.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const CONTENT_TYPE_RE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\x00-\\x1f\\x7f]*"))*$`);
// ASCII control characters (NUL included): legal in Linux file names, but they break URLs,
// logs and headers, and no real build output needs them.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\x00-\x1f\x7f]/;

/** Thrown when a manifest (being written or read back) breaks the rules. Not a user error: a 500. */
export class ManifestValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid artifact manifest: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
    this.name = 'ManifestValidationError';
  }
}

/** Why `path` is not a safe relative POSIX path, or undefined when it is. */
export function relativePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'must be a string';
  if (path.length === 0) return 'must not be empty';
  if (path.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (CONTROL_RE.test(path)) return 'must not contain NUL or control characters';
  if (path.includes('\\')) return 'must not contain a backslash';
  if (path.startsWith('/')) return 'must be relative (no leading slash)';
  for (const segment of path.split('/')) {
    if (segment === '') return 'must not contain empty segments (`//` or a trailing slash)';
    if (segment === '.' || segment === '..') return 'must not contain `.` or `..` segments';
  }
  return undefined;
}

export const isSafeRelativePath = (path: unknown): path is string => relativePathProblem(path) === undefined;
export const isSha256 = (value: unknown): value is string => typeof value === 'string' && SHA256_RE.test(value);
export const isDeploymentId = (value: unknown): value is string => typeof value === 'string' && DEPLOYMENT_ID_RE.test(value);

export function assertDeploymentId(id: unknown): asserts id is string {
  if (!isDeploymentId(id)) throw new TypeError(`invalid deployment id ${JSON.stringify(id)}: expected 1-128 characters of [A-Za-z0-9_-]`);
}

export function assertSha256(sha: unknown): asserts sha is string {
  if (!isSha256(sha)) throw new TypeError(`invalid sha256 ${JSON.stringify(sha)}: expected 64 lower-case hex characters`);
}

export function assertObjectKey(key: unknown): asserts key is string {
  const problem = relativePathProblem(key);
  if (problem) throw new TypeError(`invalid object key ${JSON.stringify(key)}: ${problem}`);
}

export const blobKey = (sha256: string): string => {
  assertSha256(sha256);
  return `blobs/${sha256}`;
};

export const manifestKey = (deploymentId: string): string => {
  assertDeploymentId(deploymentId);
  return `deployments/${deploymentId}/manifest.json`;
};

/** `key` is relative to the `sources/` space: `sourceKey('p1/src.tar.gz')` → `sources/p1/src.tar.gz`. */
export const sourceKey = (key: string): string => {
  assertObjectKey(key);
  return `sources/${key}`;
};

/**
 * Checks every rule of a manifest and returns it typed. `expectedDeploymentId` guards against a
 * manifest copied under another deployment's prefix.
 */
export function validateManifest(value: unknown, expectedDeploymentId?: string): ArtifactManifest {
  const issues: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestValidationError(['manifest must be an object']);
  const m = value as Record<string, unknown>;
  if (m.version !== MANIFEST_VERSION) issues.push(`version must be ${MANIFEST_VERSION}`);
  if (!isDeploymentId(m.deploymentId)) issues.push('deploymentId is not a valid id');
  else if (expectedDeploymentId !== undefined && m.deploymentId !== expectedDeploymentId) {
    issues.push(`deploymentId ${m.deploymentId} does not match ${expectedDeploymentId}`);
  }
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) issues.push('createdAt must be an ISO timestamp');
  if (!Array.isArray(m.files)) {
    issues.push('files must be an array');
  } else if (m.files.length > MAX_MANIFEST_FILES) {
    issues.push(`files must hold at most ${MAX_MANIFEST_FILES} entries`);
  } else {
    const seen = new Set<string>();
    m.files.forEach((entry: unknown, i) => {
      for (const issue of entryProblems(entry)) issues.push(`files[${i}]: ${issue}`);
      const path = (entry as Partial<ManifestEntry> | null)?.path;
      if (typeof path === 'string') {
        if (seen.has(path)) issues.push(`files[${i}]: duplicate path ${JSON.stringify(path)}`);
        seen.add(path);
      }
    });
  }
  if (issues.length > 0) throw new ManifestValidationError(issues);
  return value as ArtifactManifest;
}

function entryProblems(entry: unknown): string[] {
  if (typeof entry !== 'object' || entry === null) return ['must be an object'];
  const e = entry as Record<string, unknown>;
  const issues: string[] = [];
  const pathProblem = relativePathProblem(e.path);
  if (pathProblem) issues.push(`path ${JSON.stringify(e.path)} ${pathProblem}`);
  if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) issues.push('size must be a non-negative integer');
  if (!isSha256(e.sha256)) issues.push('sha256 must be 64 lower-case hex characters');
  if (typeof e.contentType !== 'string' || e.contentType.length > 255 || !CONTENT_TYPE_RE.test(e.contentType)) {
    issues.push('contentType must be a media type such as text/html; charset=utf-8');
  }
  return issues;
}

/** Parses and validates a stored manifest; a corrupt or hostile one is rejected, never served. */
export function parseManifest(raw: Buffer | string, expectedDeploymentId: string): ArtifactManifest {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    throw new ManifestValidationError(['manifest is not valid JSON']);
  }
  return validateManifest(value, expectedDeploymentId);
}

/** Two manifests describe the same deployment output (ignores createdAt). */
export function sameFiles(a: ArtifactManifest, b: ArtifactManifest): boolean {
  if (a.files.length !== b.files.length) return false;
  return a.files.every((f, i) => {
    const g = b.files[i];
    return f.path === g.path && f.sha256 === g.sha256 && f.size === g.size && f.contentType === g.contentType;
  });
}
