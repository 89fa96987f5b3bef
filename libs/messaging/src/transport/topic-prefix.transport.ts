import type { BatchConsumer, BatchSubscription, ConsumerLag, MessageTransport, OutgoingMessage, Subscription } from './message-transport.port';

/**
 * Puts every topic of one installation under a prefix on the wire (`KAFKA_TOPIC_PREFIX`):
 * `staging.` + `deployments.requested.v1`. The apps keep using the contract names; only the
 * broker sees the prefixed ones, so installations (or test runs) sharing a cluster neither
 * consume nor replay each other's events. `KAFKA_GROUP_PREFIX` alone separates the groups, not
 * the topics: every group would still read every installation's messages.
 *
 * Handlers receive the contract name, so a dead letter published back through this transport
 * (`<topic>.dlq`) lands under the prefix as well.
 */
export class TopicPrefixTransport implements MessageTransport {
  readonly name: string;

  constructor(
    private readonly inner: MessageTransport,
    private readonly prefix: string,
  ) {
    this.name = inner.name;
  }

  publish(messages: OutgoingMessage[]): Promise<void> {
    return this.inner.publish(messages.map((m) => ({ ...m, topic: this.prefix + m.topic })));
  }

  subscribe(subscription: Subscription): Promise<void> {
    const { handler } = subscription;
    return this.inner.subscribe({
      ...subscription,
      topics: subscription.topics.map((t) => this.prefix + t),
      handler: (message) => handler({ ...message, topic: this.unprefixed(message.topic) }),
    });
  }

  subscribeBatch(subscription: BatchSubscription): Promise<BatchConsumer> {
    const { handler } = subscription;
    return this.inner.subscribeBatch({
      ...subscription,
      topics: subscription.topics.map((t) => this.prefix + t),
      handler: (batch) =>
        handler({ ...batch, topic: this.unprefixed(batch.topic), messages: batch.messages.map((m) => ({ ...m, topic: this.unprefixed(m.topic) })) }),
    });
  }

  isReady(): boolean {
    return this.inner.isReady();
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    return ((await this.inner.consumerLag?.()) ?? []).map((l) => ({ ...l, topic: this.unprefixed(l.topic) }));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private unprefixed(topic: string): string {
    return topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }
}
