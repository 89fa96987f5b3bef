import type { EventEnvelope } from '@deploysphere/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { IncomingMessage, OutgoingMessage } from './message-transport.port';

// The wire format is the one Nest's Kafka transport reads and writes (`ClientKafka.emit(topic,
// { key, value })` / `@EventPattern(topic)`): the value is the JSON text of the envelope, the
// key the aggregate id, header values are strings. Headers repeat the envelope's type and ids
// for tools that route or filter without parsing the value (and a dead letter's reason);
// consumers trust the value only.

export const HEADER_EVENT_TYPE = 'event-type';
export const HEADER_EVENT_ID = 'event-id';
export const HEADER_CORRELATION_ID = 'correlation-id';
export const HEADER_CONTENT_TYPE = 'content-type';
/** W3C trace context, under the name OpenTelemetry's Kafka instrumentations read (tracing on only). */
export const HEADER_TRACEPARENT = 'traceparent';
/** On dead letters: why the record was parked (first 1,000 characters). */
export const HEADER_DEAD_LETTER_REASON = 'dead-letter-reason';

export function encodeMessage(message: OutgoingMessage): Message {
  const envelope = message.value as Partial<EventEnvelope> | undefined;
  const headers: IHeaders = { [HEADER_CONTENT_TYPE]: 'application/json' };
  if (typeof envelope?.type === 'string') headers[HEADER_EVENT_TYPE] = envelope.type;
  if (typeof envelope?.id === 'string') headers[HEADER_EVENT_ID] = envelope.id;
  if (typeof envelope?.correlationId === 'string') headers[HEADER_CORRELATION_ID] = envelope.correlationId;
  if (typeof envelope?.traceparent === 'string') headers[HEADER_TRACEPARENT] = envelope.traceparent;
  const reason = (message.value as { deadLetter?: { reason?: unknown } } | undefined)?.deadLetter?.reason;
  if (typeof reason === 'string') headers[HEADER_DEAD_LETTER_REASON] = reason.slice(0, 1_000);
  return { key: message.key, value: JSON.stringify(message.value), headers };
}

export type DecodedMessage =
  | { ok: true; message: IncomingMessage }
  | { ok: false; reason: string; raw: string; rawEncoding: 'utf8' | 'base64' };

/**
 * Turns a fetched record into what a handler receives. Never throws: bytes that are not a
 * JSON object come back as `ok: false` with the reason and the bytes, for the dead-letter topic.
 * Whether the object is a valid event is the consumer's check (ConsumerHost + decodeEvent).
 */
export function decodeMessage(topic: string, message: Pick<KafkaMessage, 'key' | 'value'>): DecodedMessage {
  const key = message.key?.toString('utf8') ?? '';
  const bytes = message.value;
  if (bytes === null || bytes.length === 0) return { ok: false, reason: 'MalformedMessage: empty value', raw: '', rawEncoding: 'utf8' };
  const text = bytes.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(bytes);
  const raw = utf8 ? text : bytes.toString('base64');
  const rawEncoding = utf8 ? 'utf8' : 'base64';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `MalformedMessage: value is not JSON (${(err as Error).message})`, raw, rawEncoding };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'MalformedMessage: value is not a JSON object', raw, rawEncoding };
  }
  return { ok: true, message: { topic, key, envelope: value as EventEnvelope } };
}
