import { deadLetterTopic, type EventEnvelope } from '@deploysphere/contracts';
import type { IncomingMessage, OutgoingMessage } from '../transport/message-transport.port';

/** Why a message was parked, as every consumer writes it into its dead letter. */
export interface DeadLetterInfo {
  group: string;
  topic: string;
  reason: string;
  at: string;
}

export const errorReason = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * The dead letter of a message a consumer could not handle: the envelope as received, plus a
 * `deadLetter` object saying which group gave up on it and why, on `<topic>.dlq` with its key.
 */
export function deadLetterOf(group: string, message: IncomingMessage, error: unknown): OutgoingMessage {
  const envelope = (message.envelope ?? {}) as EventEnvelope;
  const deadLetter: DeadLetterInfo = { group, topic: message.topic, reason: errorReason(error), at: new Date().toISOString() };
  return { topic: deadLetterTopic(message.topic), key: message.key ?? '', value: { ...envelope, deadLetter } as EventEnvelope };
}
