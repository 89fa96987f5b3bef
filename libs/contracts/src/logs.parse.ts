import {
  type AccessLogBatchV1,
  type BuildLogBatchV1,
  ISO_INSTANT,
  LOG_STREAMS,
  MAX_ACCESS_BATCH_RECORDS,
  MAX_LOG_BATCH_LINES,
  MAX_LOG_MESSAGE_LENGTH,
  RECORD_ID,
} from './logs.events';
import { ContractViolation } from './registry';
import { ENTITY_ID } from './ids';

// The same rules as the decorated classes in logs.events.ts, written out by hand: log-ingest
// decodes hundreds of thousands of records a second, and class-validator costs microseconds
// per nested object. A unit test feeds both validators the same samples and expects the same verdict.

const STREAMS = new Set<string>(LOG_STREAMS);

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || v === null || check(v);

function fail(type: string, path: string, rule: string): never {
  throw new ContractViolation(`${type}: invalid payload (${path}: ${rule})`);
}

function onlyKeys(o: Obj, allowed: ReadonlySet<string>, type: string, path: string): void {
  for (const k in o) if (!allowed.has(k)) fail(type, `${path}${k}`, 'property should not exist');
}

const LINE_KEYS = new Set(['seq', 'ts', 'stream', 'message']);
const BUILD_KEYS = new Set(['deploymentId', 'lines']);
const ACCESS_KEYS = new Set(['records']);
const RECORD_KEYS = new Set(['id', 'time', 'host', 'deploymentId', 'projectId', 'method', 'path', 'status', 'bytes', 'durationMs', 'userAgent', 'clientIp']);

/** Validates a `BuildLogBatch.v1` payload; throws ContractViolation (a poison message) otherwise. */
export function parseBuildLogBatch(payload: unknown): BuildLogBatchV1 {
  const T = 'BuildLogBatch.v1';
  if (!isObject(payload)) fail(T, 'payload', 'must be an object');
  onlyKeys(payload, BUILD_KEYS, T, '');
  if (typeof payload.deploymentId !== 'string' || !ENTITY_ID.test(payload.deploymentId)) fail(T, 'deploymentId', 'must be an id');
  const lines = payload.lines;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > MAX_LOG_BATCH_LINES) fail(T, 'lines', `must hold 1–${MAX_LOG_BATCH_LINES} lines`);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as unknown;
    if (!isObject(l)) fail(T, `lines.${i}`, 'must be an object');
    onlyKeys(l, LINE_KEYS, T, `lines.${i}.`);
    if (!isInt(l.seq, 1, Number.MAX_SAFE_INTEGER)) fail(T, `lines.${i}.seq`, 'must be an integer >= 1');
    if (typeof l.ts !== 'string' || !ISO_INSTANT.test(l.ts)) fail(T, `lines.${i}.ts`, 'must be an ISO-8601 instant');
    if (typeof l.stream !== 'string' || !STREAMS.has(l.stream)) fail(T, `lines.${i}.stream`, `must be one of ${LOG_STREAMS.join(', ')}`);
    if (!isStr(l.message, MAX_LOG_MESSAGE_LENGTH)) fail(T, `lines.${i}.message`, `must be a string of at most ${MAX_LOG_MESSAGE_LENGTH} characters`);
  }
  return payload as unknown as BuildLogBatchV1;
}

/** Validates an `AccessLogBatch.v1` payload; throws ContractViolation otherwise. */
export function parseAccessLogBatch(payload: unknown): AccessLogBatchV1 {
  const T = 'AccessLogBatch.v1';
  if (!isObject(payload)) fail(T, 'payload', 'must be an object');
  onlyKeys(payload, ACCESS_KEYS, T, '');
  const records = payload.records;
  if (!Array.isArray(records) || records.length < 1 || records.length > MAX_ACCESS_BATCH_RECORDS) {
    fail(T, 'records', `must hold 1–${MAX_ACCESS_BATCH_RECORDS} records`);
  }
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as unknown;
    const p = `records.${i}`;
    if (!isObject(r)) fail(T, p, 'must be an object');
    onlyKeys(r, RECORD_KEYS, T, `${p}.`);
    if (typeof r.id !== 'string' || !RECORD_ID.test(r.id)) fail(T, `${p}.id`, 'must be a record id');
    if (!isInt(r.time, 0, Number.MAX_SAFE_INTEGER)) fail(T, `${p}.time`, 'must be epoch milliseconds');
    if (!isStr(r.host, 255)) fail(T, `${p}.host`, 'must be a string of at most 255 characters');
    if (!optional(r.deploymentId, (v) => typeof v === 'string' && ENTITY_ID.test(v))) fail(T, `${p}.deploymentId`, 'must be an id or null');
    if (!optional(r.projectId, (v) => typeof v === 'string' && ENTITY_ID.test(v))) fail(T, `${p}.projectId`, 'must be an id or null');
    if (!isStr(r.method, 16)) fail(T, `${p}.method`, 'must be a string of at most 16 characters');
    if (!isStr(r.path, 2048)) fail(T, `${p}.path`, 'must be a string of at most 2048 characters');
    if (!isInt(r.status, 0, 999)) fail(T, `${p}.status`, 'must be an integer 0–999');
    if (!isInt(r.bytes, 0, Number.MAX_SAFE_INTEGER)) fail(T, `${p}.bytes`, 'must be an integer >= 0');
    if (typeof r.durationMs !== 'number' || !Number.isFinite(r.durationMs) || r.durationMs < 0) fail(T, `${p}.durationMs`, 'must be a number >= 0');
    if (!optional(r.userAgent, (v) => isStr(v, 512))) fail(T, `${p}.userAgent`, 'must be a string of at most 512 characters or null');
    if (!optional(r.clientIp, (v) => isStr(v, 64))) fail(T, `${p}.clientIp`, 'must be a string of at most 64 characters or null');
  }
  return payload as unknown as AccessLogBatchV1;
}
