import { join, resolve } from 'node:path';
import { relativePathProblem } from './manifest';

export type StorageOptions =
  | { driver: 'fs'; dir: string }
  | { driver: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle?: boolean; prefix?: string };

export const STORAGE_OPTIONS = Symbol('STORAGE_OPTIONS');

// S3's bucket naming rules (lower case, 3–63, no `..`, not an IP address).
const BUCKET_RE = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const fail = (name: string, message: string): never => {
  throw new Error(`${name} ${message}`);
};

/**
 * Chooses the artifact store from the environment: S3 when `S3_BUCKET` is set, otherwise the
 * embedded directory `<dataDir>/artifacts`. Pure (no I/O), so config validation can call it at
 * start-up and a bad value stops the process with a message naming the variable.
 */
export function storageOptionsFromEnv(env: Record<string, string | undefined>, dataDir: string): StorageOptions {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
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
  if (!BUCKET_RE.test(bucket)) fail('S3_BUCKET', `must be a valid S3 bucket name (3-63 of a-z 0-9 . -), got ${JSON.stringify(bucket)}`);

  const region = value('S3_REGION') ?? 'us-east-1';
  if (region.length > 64 || !REGION_RE.test(region)) fail('S3_REGION', `must be a region name such as eu-west-1, got ${JSON.stringify(region)}`);

  const endpoint = value('S3_ENDPOINT');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
      fail('S3_ENDPOINT', `must be an http(s) URL such as http://127.0.0.1:9000, got ${JSON.stringify(endpoint)}`);
    }
  }

  const pathStyle = value('S3_FORCE_PATH_STYLE');
  let forcePathStyle: boolean;
  if (pathStyle === undefined) forcePathStyle = endpoint !== undefined; // MinIO/moto need it; AWS prefers virtual-hosted
  else if (['true', '1'].includes(pathStyle.toLowerCase())) forcePathStyle = true;
  else if (['false', '0'].includes(pathStyle.toLowerCase())) forcePathStyle = false;
  else forcePathStyle = fail('S3_FORCE_PATH_STYLE', `must be true or false, got ${JSON.stringify(pathStyle)}`);

  const rawPrefix = value('S3_PREFIX');
  let prefix: string | undefined;
  if (rawPrefix !== undefined) {
    prefix = rawPrefix.replace(/^\/+|\/+$/g, '');
    const problem = prefix === '' ? 'must not be only slashes' : relativePathProblem(prefix);
    if (problem) fail('S3_PREFIX', `${problem}, got ${JSON.stringify(rawPrefix)}`);
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
