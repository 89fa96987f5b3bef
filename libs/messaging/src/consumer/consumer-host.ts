import { Inject, Injectable, Logger } from '@nestjs/common';
import { ContractViolation, decodeEvent, type EventEnvelope } from '@deploysphere/contracts';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type StartFrom } from '../transport/message-transport.port';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { deadLetterOf, errorReason } from './dead-letter';
import { inSpan, tracingEnabled } from '@deploysphere/observability';

export type DecodedHandler = (event: object, envelope: EventEnvelope, message: IncomingMessage) => Promise<void>;

/**
 * Subscribes a consumer group and wraps its handler with the failure rules: the payload is
 * decoded and validated inside the guard (a malformed message is dead-lettered at once, never
 * redelivered forever); a handler that throws is retried with backoff, then dead-lettered
 * with its error so the partition moves on.
 */
@Injectable()
export class ConsumerHost {
  private readonly logger = new Logger(ConsumerHost.name);

  constructor(
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  /** Resolves once the group's position is fixed (see MessageTransport.subscribe); `startFrom` defaults to `earliest`. */
  async consume(group: string, topics: string[], handler: DecodedHandler, options: { startFrom?: StartFrom } = {}): Promise<void> {
    await this.transport.subscribe({ group, topics, handler: (m) => this.handle(group, m, handler), startFrom: options.startFrom });
  }

  /** With tracing on, the handling is a consumer span continuing the message's trace. */
  private handle(group: string, message: IncomingMessage, handler: DecodedHandler): Promise<void> {
    const traceparent = message.envelope?.traceparent;
    if (!traceparent || !tracingEnabled()) return this.attempt(group, message, handler);
    return inSpan(`consume ${message.topic}`, 'consumer', traceparent, { 'messaging.destination.name': message.topic, 'messaging.consumer.group.name': group, 'messaging.message.id': message.envelope.id }, () =>
      this.attempt(group, message, handler),
    );
  }

  private async attempt(group: string, message: IncomingMessage, handler: DecodedHandler): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        const event = decodeEvent(message.envelope);
        await handler(event, message.envelope, message);
        return;
      } catch (err) {
        lastError = err;
        if (err instanceof ContractViolation) break;
        this.logger.warn({ group, topic: message.topic, id: message.envelope?.id, attempt, err: String(err) }, 'handler failed');
        if (attempt < this.options.maxAttempts) await sleep(this.options.retryBaseMs * 2 ** (attempt - 1));
      }
    }
    await this.deadLetter(group, message, lastError);
  }

  private async deadLetter(group: string, message: IncomingMessage, error: unknown): Promise<void> {
    this.logger.error({ group, topic: message.topic, id: message.envelope?.id, reason: errorReason(error) }, 'message dead-lettered');
    await this.transport.publish([deadLetterOf(group, message, error)]);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
