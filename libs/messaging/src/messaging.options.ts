export interface MessagingOptions {
  /** Run the outbox relay in this process. */
  relay: boolean;
  relayPollMs: number;
  relayBatchSize: number;
  /** Handler attempts before a message is dead-lettered. */
  maxAttempts: number;
  retryBaseMs: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export const DEFAULT_MESSAGING_OPTIONS: MessagingOptions = {
  relay: true,
  relayPollMs: 500,
  relayBatchSize: 100,
  maxAttempts: 5,
  retryBaseMs: 100,
};
