import type { EventEnvelope } from '@deploysphere/contracts';
import { decodeMessage, encodeMessage } from './kafka-wire';

const envelope = {
  id: 'evt_01jd8x3k9m2f4q7r8s9t0v1w2x',
  type: 'DeploymentRequested.v1',
  key: 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x',
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'req_1',
  payload: { deploymentId: 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x' },
};

describe('Kafka wire format', () => {
  it('encodes the envelope as JSON, keyed by the aggregate, with its type and ids as headers', () => {
    expect(encodeMessage({ topic: 't', key: envelope.key, value: envelope })).toEqual({
      key: envelope.key,
      value: JSON.stringify(envelope),
      headers: { 'content-type': 'application/json', 'event-type': envelope.type, 'event-id': envelope.id, 'correlation-id': 'req_1' },
    });
  });

  it("repeats a dead letter's reason as a header, cut to 1,000 characters", () => {
    const deadLetter = { group: 'g', topic: 't', reason: `Error: ${'x'.repeat(2_000)}`, at: '2026-01-01T00:00:00.000Z' };
    const { headers } = encodeMessage({ topic: 't.dlq', key: envelope.key, value: { ...envelope, deadLetter } as unknown as EventEnvelope });
    expect(headers?.['dead-letter-reason']).toBe(deadLetter.reason.slice(0, 1_000));
  });

  it('decodes what it encodes', () => {
    const { key, value } = encodeMessage({ topic: 't', key: envelope.key, value: envelope });
    expect(decodeMessage('t', { key: Buffer.from(key as string), value: Buffer.from(value as string) })).toEqual({
      ok: true,
      message: { topic: 't', key: envelope.key, envelope },
    });
  });

  it.each([
    ['text that is not JSON', Buffer.from('{"id": '), /^MalformedMessage: value is not JSON/, 'utf8'],
    ['JSON that is not an object', Buffer.from('[1,2]'), /^MalformedMessage: value is not a JSON object$/, 'utf8'],
    ['JSON null', Buffer.from('null'), /^MalformedMessage: value is not a JSON object$/, 'utf8'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x00]), /^MalformedMessage: value is not JSON/, 'base64'],
    ['an empty value', Buffer.alloc(0), /^MalformedMessage: empty value$/, 'utf8'],
    ['no value at all (tombstone)', null, /^MalformedMessage: empty value$/, 'utf8'],
  ])('never throws on %s: returns the reason and the bytes', (_what, value, reason, encoding) => {
    const decoded = decodeMessage('t', { key: null, value });
    expect(decoded).toMatchObject({ ok: false, reason: expect.stringMatching(reason), rawEncoding: encoding });
    if (!decoded.ok && value) expect(Buffer.from(decoded.raw, decoded.rawEncoding)).toEqual(value);
  });
});
