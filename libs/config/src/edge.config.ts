import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { hostname } from 'node:os';
import { emptyToUndefined, PORT, readArea, toInt } from './area.validation';

const EDGE_CACHE = { message: 'must be an integer from 1 to 65536' };
const EDGE_MANIFESTS = { message: 'must be an integer from 1000 to 10000000' };
const EDGE_BUFFER = { message: 'must be an integer from 100 to 1000000' };
const EDGE_FLUSH = { message: 'must be an integer from 10 to 60000' };
const EDGE_GRACE = { message: 'must be an integer from 0 to 300000' };
const EDGE_SKEW = { message: 'must be an integer from 0 to 604800' };
const EDGE_CONNECT = { message: 'must be an integer from 100 to 60000' };
const EDGE_RESPONSE = { message: 'must be an integer from 1000 to 3600000' };
const EDGE_BODY = { message: 'must be an integer from 1 to 10240' };
const EDGE_WAKE = { message: 'must be an integer from 1000 to 600000' };

/** The edge router's caches, identity, access log and shutdown (its port is in the http area). */
export class EdgeEnvironment {
  /** Bytes of file content (and compressed variants) kept in memory, in MiB. */
  @Transform(toInt) @IsInt(EDGE_CACHE) @Min(1, EDGE_CACHE) @Max(65_536, EDGE_CACHE)
  EDGE_CACHE_MB = 256;

  /** Manifest entries (files) kept in memory across cached deployments. */
  @Transform(toInt) @IsInt(EDGE_MANIFESTS) @Min(1_000, EDGE_MANIFESTS) @Max(10_000_000, EDGE_MANIFESTS)
  EDGE_MANIFEST_CACHE_FILES = 200_000;

  /** Edge router instance name (its own consumer group: every instance sees every route event). Default `<hostname>-<pid>`; set it to the pod name. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be 1–100 characters of [A-Za-z0-9._-]' })
  EDGE_INSTANCE_ID?: string;

  /** Access records buffered before the edge drops (and counts) new ones. */
  @Transform(toInt) @IsInt(EDGE_BUFFER) @Min(100, EDGE_BUFFER) @Max(1_000_000, EDGE_BUFFER)
  EDGE_ACCESS_LOG_BUFFER = 10_000;

  @Transform(toInt) @IsInt(EDGE_FLUSH) @Min(10, EDGE_FLUSH) @Max(60_000, EDGE_FLUSH)
  EDGE_ACCESS_LOG_FLUSH_MS = 1_000;

  /** How long in-flight requests may finish after SIGTERM. */
  @Transform(toInt) @IsInt(EDGE_GRACE) @Min(0, EDGE_GRACE) @Max(300_000, EDGE_GRACE)
  EDGE_SHUTDOWN_GRACE_MS = 10_000;

  /** Skew protection: how long after the alias left a deployment the clients pinned to it still get its files (0 = off). */
  @Transform(toInt) @IsInt(EDGE_SKEW) @Min(0, EDGE_SKEW) @Max(604_800, EDGE_SKEW)
  EDGE_SKEW_WINDOW_SECONDS = 43_200;

  /** Server apps: how long the edge waits for an instance to accept a connection before the 502 page. */
  @Transform(toInt) @IsInt(EDGE_CONNECT) @Min(100, EDGE_CONNECT) @Max(60_000, EDGE_CONNECT)
  EDGE_PROXY_CONNECT_TIMEOUT_MS = 5_000;

  /** Server apps: how long an instance may take to start its response (headers) before the 504 page. */
  @Transform(toInt) @IsInt(EDGE_RESPONSE) @Min(1_000, EDGE_RESPONSE) @Max(3_600_000, EDGE_RESPONSE)
  EDGE_PROXY_RESPONSE_TIMEOUT_MS = 60_000;

  /** Server apps: the largest request body the edge forwards, in MiB (413 past it). */
  @Transform(toInt) @IsInt(EDGE_BODY) @Min(1, EDGE_BODY) @Max(10_240, EDGE_BODY)
  EDGE_PROXY_MAX_BODY_MB = 100;

  /** Scale to zero: how long a request for a sleeping app waits for it to wake before a 503 with Retry-After. */
  @Transform(toInt) @IsInt(EDGE_WAKE) @Min(1_000, EDGE_WAKE) @Max(600_000, EDGE_WAKE)
  EDGE_WAKE_TIMEOUT_MS = 30_000;

  /** HTTPS listener (TLS with SNI, HTTP/2 and HTTP/1.1); unset = none, 0 = a free port. */
  @Transform(toInt) @IsOptional() @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  EDGE_TLS_PORT?: number;

  /** Port in the HTTP → HTTPS redirect's target; unset = EDGE_TLS_PORT (443 is left out). */
  @Transform(toInt) @IsOptional() @IsInt(PORT) @Min(1, PORT) @Max(65535, PORT)
  EDGE_TLS_PUBLIC_PORT?: number;

  /** PEM certificate (with intermediates) for `*.<ROOT_DOMAIN>` and `<ROOT_DOMAIN>`; reloaded when the file changes. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(1024)
  EDGE_TLS_CERT_FILE?: string;

  /** PEM private key of EDGE_TLS_CERT_FILE. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(1024)
  EDGE_TLS_KEY_FILE?: string;
}

export interface EdgeSettings {
  /** Bytes of file content (and compressed variants) kept in memory. */
  cacheBytes: number;
  /** Manifest entries (files) kept in memory across every cached deployment. */
  manifestCacheFiles: number;
  /** Distinguishes this instance's consumer group: every edge instance must see every route event. */
  instanceId: string;
  accessLogBuffer: number;
  accessLogFlushMs: number;
  shutdownGraceMs: number;
  /** How long a replaced production deployment still serves the clients pinned to it; 0 turns skew protection off. */
  skewWindowMs: number;
  proxyConnectTimeoutMs: number;
  proxyResponseTimeoutMs: number;
  proxyMaxBodyBytes: number;
  wakeTimeoutMs: number;
  /** HTTPS: listener port (undefined = none), redirect port, the root domain's wildcard pair. */
  tls: { port: number | undefined; publicPort: number | undefined; certFile: string | undefined; keyFile: string | undefined };
}

function shape(env: EdgeEnvironment): EdgeSettings {
  return {
    cacheBytes: env.EDGE_CACHE_MB * 1024 * 1024,
    manifestCacheFiles: env.EDGE_MANIFEST_CACHE_FILES,
    instanceId: env.EDGE_INSTANCE_ID || `${hostname()}-${process.pid}`,
    accessLogBuffer: env.EDGE_ACCESS_LOG_BUFFER,
    accessLogFlushMs: env.EDGE_ACCESS_LOG_FLUSH_MS,
    shutdownGraceMs: env.EDGE_SHUTDOWN_GRACE_MS,
    skewWindowMs: env.EDGE_SKEW_WINDOW_SECONDS * 1000,
    proxyConnectTimeoutMs: env.EDGE_PROXY_CONNECT_TIMEOUT_MS,
    proxyResponseTimeoutMs: env.EDGE_PROXY_RESPONSE_TIMEOUT_MS,
    proxyMaxBodyBytes: env.EDGE_PROXY_MAX_BODY_MB * 1024 * 1024,
    wakeTimeoutMs: env.EDGE_WAKE_TIMEOUT_MS,
    tls: { port: env.EDGE_TLS_PORT, publicPort: env.EDGE_TLS_PUBLIC_PORT, certFile: env.EDGE_TLS_CERT_FILE, keyFile: env.EDGE_TLS_KEY_FILE },
  };
}

export const edgeConfig = registerAs('edge', (): EdgeSettings => shape(readArea(EdgeEnvironment)));
