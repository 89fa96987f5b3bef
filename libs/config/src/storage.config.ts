import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches, MaxLength, ValidateBy } from 'class-validator';
import { join, resolve } from 'node:path';
import { checkArea, invalidConfiguration, readArea, toBool, type Raw } from './area.validation';
import { RuntimeEnvironment } from './runtime.config';

export type StorageSettings =
  | { driver: 'fs'; dir: string }
  | { driver: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle?: boolean; prefix?: string };

// S3's bucket naming rules (lower case, 3–63, no `..`, not an IP address).
const BUCKET_RE = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = { message: 'must be a region name such as eu-west-1' };
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

const trimmed = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  return v === '' ? undefined : v;
};
const stripSlashes = (prefix: string): string => prefix.replace(/^\/+|\/+$/g, '');

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

function isHttpEndpoint(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

/** The artifact store: S3 when S3_BUCKET is set, otherwise `<DEPLOYSPHERE_DATA_DIR>/artifacts`. */
export class StorageEnvironment {
  @Transform(trimmed) @IsOptional() @Matches(BUCKET_RE, { message: 'must be a valid S3 bucket name (3-63 of a-z 0-9 . -)' })
  S3_BUCKET?: string;

  /** Default us-east-1. */
  @Transform(trimmed) @IsOptional() @MaxLength(64, REGION) @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, REGION)
  S3_REGION?: string;

  @Transform(trimmed) @IsOptional()
  @ValidateBy({ name: 'isHttpEndpoint', validator: { validate: isHttpEndpoint, defaultMessage: () => 'must be an http(s) URL such as http://127.0.0.1:9000' } })
  S3_ENDPOINT?: string;

  /** Default: true with S3_ENDPOINT (MinIO and moto need it), false on AWS (virtual-hosted). */
  @Transform(({ value }) => toBool({ value: typeof value === 'string' ? value.trim().toLowerCase() : value })) @IsOptional()
  @IsIn([true, false], { message: 'must be true or false' })
  S3_FORCE_PATH_STYLE?: boolean;

  @Transform(trimmed) @IsOptional()
  @ValidateBy({
    name: 'isObjectKeyPrefix',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && prefixProblem(stripSlashes(value)) === undefined,
      defaultMessage: (args) => prefixProblem(stripSlashes(String(args?.value))) ?? 'must be a relative path',
    },
  })
  S3_PREFIX?: string;
}

/** Rules across variables, checked once every variable alone is valid. */
export function storageProblems(env: StorageEnvironment): string[] {
  if (env.S3_BUCKET !== undefined) return [];
  // An S3 setting without a bucket is almost certainly a typo'd deployment: say so rather than
  // silently storing artifacts on the local disk.
  return (['S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'] as const)
    .filter((name) => env[name] !== undefined)
    .map((name) => `  - ${name} is set but S3_BUCKET is not; set S3_BUCKET to use S3, or unset it`);
}

function shape(env: StorageEnvironment, dataDir: string): StorageSettings {
  if (env.S3_BUCKET === undefined) return { driver: 'fs', dir: join(resolve(dataDir), 'artifacts') };
  return {
    driver: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION ?? 'us-east-1',
    ...(env.S3_ENDPOINT !== undefined ? { endpoint: env.S3_ENDPOINT } : {}),
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
    ...(env.S3_PREFIX !== undefined ? { prefix: stripSlashes(env.S3_PREFIX) } : {}),
  };
}

/**
 * The artifact store given variables name (pure): a bad value throws
 * `<VARIABLE> <what it must be>, got <value>`.
 */
export function storageSettingsFrom(raw: Raw, dataDir: string): StorageSettings {
  const { values, bad } = checkArea(StorageEnvironment, raw);
  if (bad.length > 0) throw new Error(`${bad[0].name} ${bad[0].expected}, got ${bad[0].got}`);
  const rules = storageProblems(values);
  if (rules.length > 0) throw new Error(rules[0].replace(/^ {2}- /, ''));
  return shape(values, dataDir);
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
