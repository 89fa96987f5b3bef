import { registerAs } from '@nestjs/config';
import { join, resolve } from 'node:path';
import { invalidConfiguration, quoted, readArea } from './area.validation';
import { RuntimeEnvironment } from './runtime.config';

export type StorageSettings =
  | { driver: 'fs'; dir: string }
  | { driver: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle?: boolean; prefix?: string };

/** Every variable this area reads (its rules involve several of them at once, so a function checks them, not a class). */
export const STORAGE_VARIABLES = ['S3_BUCKET', 'S3_REGION', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'] as const;

// S3's bucket naming rules (lower case, 3–63, no `..`, not an IP address).
const BUCKET_RE = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

const fail = (name: string, message: string): never => {
  throw new Error(`${name} ${message}`);
};

function prefixProblem(prefix: string): string | undefined {
  if (prefix === '') return 'must not be only slashes';
  if (prefix.length > 1024) return 'must be at most 1024 characters';
  if (CONTROL_RE.test(prefix)) return 'must not contain NUL or control characters';
  if (prefix.includes('\\')) return 'must not contain a backslash';
  for (const segment of prefix.split('/')) {
    if (segment === '') return 'must not contain empty segments (`//`)';
    if (segment === '.' || segment === '..') return 'must not contain `.` or `..` segments';
  }
  return undefined;
}

/**
 * Chooses the artifact store: S3 when `S3_BUCKET` is set, otherwise the embedded directory
 * `<dataDir>/artifacts`. Pure, so start-up validation calls it too; a bad value throws
 * `<VARIABLE> <what it must be>`.
 */
export function storageSettingsFrom(env: Record<string, unknown>, dataDir: string): StorageSettings {
  const value = (name: string): string | undefined => {
    const v = typeof env[name] === 'string' ? (env[name] as string).trim() : undefined;
    return v === undefined || v === '' ? undefined : v;
  };
  const bucket = value('S3_BUCKET');
  if (bucket === undefined) {
    // An S3 setting without a bucket is almost certainly a typo'd deployment: say so rather
    // than silently storing artifacts on the local disk.
    for (const name of ['S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX']) {
      if (value(name) !== undefined) fail(name, 'is set but S3_BUCKET is not; set S3_BUCKET to use S3, or unset it');
    }
    return { driver: 'fs', dir: join(resolve(dataDir), 'artifacts') };
  }
  if (!BUCKET_RE.test(bucket)) fail('S3_BUCKET', `must be a valid S3 bucket name (3-63 of a-z 0-9 . -), got ${quoted('S3_BUCKET', bucket)}`);

  const region = value('S3_REGION') ?? 'us-east-1';
  if (region.length > 64 || !REGION_RE.test(region)) fail('S3_REGION', `must be a region name such as eu-west-1, got ${quoted('S3_REGION', region)}`);

  const endpoint = value('S3_ENDPOINT');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
      fail('S3_ENDPOINT', `must be an http(s) URL such as http://127.0.0.1:9000, got ${quoted('S3_ENDPOINT', endpoint)}`);
    }
  }

  const pathStyle = value('S3_FORCE_PATH_STYLE');
  let forcePathStyle: boolean;
  if (pathStyle === undefined) forcePathStyle = endpoint !== undefined; // MinIO/moto need it; AWS prefers virtual-hosted
  else if (['true', '1'].includes(pathStyle.toLowerCase())) forcePathStyle = true;
  else if (['false', '0'].includes(pathStyle.toLowerCase())) forcePathStyle = false;
  else forcePathStyle = fail('S3_FORCE_PATH_STYLE', `must be true or false, got ${quoted('S3_FORCE_PATH_STYLE', pathStyle)}`);

  const rawPrefix = value('S3_PREFIX');
  let prefix: string | undefined;
  if (rawPrefix !== undefined) {
    prefix = rawPrefix.replace(/^\/+|\/+$/g, '');
    const problem = prefixProblem(prefix);
    if (problem) fail('S3_PREFIX', `${problem}, got ${quoted('S3_PREFIX', rawPrefix)}`);
  }

  return {
    driver: 's3',
    bucket,
    region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    forcePathStyle,
    ...(prefix !== undefined ? { prefix } : {}),
  };
}

/** The start-up check's line for this area, if any. */
export function storageProblems(env: Record<string, unknown>, dataDir: string): string[] {
  try {
    storageSettingsFrom(env, dataDir);
    return [];
  } catch (err) {
    return [`  - ${(err as Error).message}`];
  }
}

/** The artifact store this process's environment names. */
export function readStorage(): StorageSettings {
  const dataDir = readArea(RuntimeEnvironment).DEPLOYSPHERE_DATA_DIR;
  try {
    return storageSettingsFrom(process.env, dataDir);
  } catch (err) {
    throw invalidConfiguration([`  - ${(err as Error).message}`]);
  }
}

export const storageConfig = registerAs('storage', readStorage);
