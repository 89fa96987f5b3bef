import { decodeEvent, type EventEnvelope } from './index';
import { AccessLogBatchV1, BuildLogBatchV1 } from './logs.events';
import { parseAccessLogBatch, parseBuildLogBatch } from './logs.parse';

const DEP = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const PRJ = 'prj_01jd8x3k9m2f4q7r8s9t0v1w2x';
const goodLine = { seq: 1, ts: '2026-11-26T17:00:00.123Z', stream: 'stdout', message: 'hello' };
const goodRecord = {
  id: 'abc-1',
  time: 1_764_176_400_000,
  host: 'site.localhost',
  deploymentId: DEP,
  projectId: PRJ,
  method: 'GET',
  path: '/',
  status: 200,
  bytes: 512,
  durationMs: 1.25,
  userAgent: null,
  clientIp: '127.0.0.1',
};

const envelope = (type: string, payload: unknown): EventEnvelope => ({ id: 'evt', type, key: 'k', occurredAt: '', correlationId: 'c', payload });
const classVerdict = (type: string, payload: unknown) => {
  try {
    decodeEvent(envelope(type, payload));
    return true;
  } catch {
    return false;
  }
};
const fastVerdict = (parse: (p: unknown) => unknown, payload: unknown) => {
  try {
    parse(payload);
    return true;
  } catch {
    return false;
  }
};

// Each sample: [description, payload]. Both validators must agree on every one.
const buildSamples: [string, unknown][] = [
  ['a valid batch', { deploymentId: DEP, lines: [goodLine, { ...goodLine, seq: 2, stream: 'system', message: '' }] }],
  ['a bad deployment id', { deploymentId: 'nope', lines: [goodLine] }],
  ['no lines', { deploymentId: DEP, lines: [] }],
  ['seq 0', { deploymentId: DEP, lines: [{ ...goodLine, seq: 0 }] }],
  ['fractional seq', { deploymentId: DEP, lines: [{ ...goodLine, seq: 1.5 }] }],
  ['seq as a string', { deploymentId: DEP, lines: [{ ...goodLine, seq: '1' }] }],
  ['a date without time', { deploymentId: DEP, lines: [{ ...goodLine, ts: '2026-11-26' }] }],
  ['an offset time', { deploymentId: DEP, lines: [{ ...goodLine, ts: '2026-11-26T17:00:00+02:00' }] }],
  ['an unknown stream', { deploymentId: DEP, lines: [{ ...goodLine, stream: 'stdin' }] }],
  ['a message too long', { deploymentId: DEP, lines: [{ ...goodLine, message: 'x'.repeat(16_385) }] }],
  ['an unknown line field', { deploymentId: DEP, lines: [{ ...goodLine, level: 'info' }] }],
  ['an unknown batch field', { deploymentId: DEP, lines: [goodLine], extra: 1 }],
  ['a line that is not an object', { deploymentId: DEP, lines: ['hello'] }],
];

const accessSamples: [string, unknown][] = [
  ['a valid batch', { records: [goodRecord, { ...goodRecord, id: 'abc-2', deploymentId: null, projectId: null, userAgent: 'curl/8' }] }],
  ['no records', { records: [] }],
  ['a bad record id', { records: [{ ...goodRecord, id: 'has space' }] }],
  ['a negative time', { records: [{ ...goodRecord, time: -1 }] }],
  ['status 1000', { records: [{ ...goodRecord, status: 1000 }] }],
  ['fractional bytes', { records: [{ ...goodRecord, bytes: 1.5 }] }],
  ['a negative duration', { records: [{ ...goodRecord, durationMs: -1 }] }],
  ['a bad project id', { records: [{ ...goodRecord, projectId: 'x' }] }],
  ['a long path', { records: [{ ...goodRecord, path: '/'.repeat(2049) }] }],
  ['an unknown field', { records: [{ ...goodRecord, referer: 'x' }] }],
];

describe('log contracts: the hot-path parsers agree with the class-validator contract', () => {
  it.each(buildSamples)('BuildLogBatch.v1 with %s', (_name, payload) => {
    expect(fastVerdict(parseBuildLogBatch, payload)).toBe(classVerdict(BuildLogBatchV1.type, payload));
  });

  it.each(accessSamples)('AccessLogBatch.v1 with %s', (_name, payload) => {
    expect(fastVerdict(parseAccessLogBatch, payload)).toBe(classVerdict(AccessLogBatchV1.type, payload));
  });

  it('accepts the valid samples', () => {
    expect(fastVerdict(parseBuildLogBatch, buildSamples[0][1])).toBe(true);
    expect(classVerdict(BuildLogBatchV1.type, buildSamples[0][1])).toBe(true);
    expect(fastVerdict(parseAccessLogBatch, accessSamples[0][1])).toBe(true);
    expect(classVerdict(AccessLogBatchV1.type, accessSamples[0][1])).toBe(true);
  });
});
