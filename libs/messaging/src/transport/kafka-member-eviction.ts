import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';

/**
 * Removes a crashed consumer's old membership from its group, so the restarted consumer does not
 * wait for it.
 *
 * kafkajs restarts a crashed consumer (a broker outage crashes it at once with "No broker
 * available") as a NEW group member. The old member stays in the group until its session
 * expires on the coordinator (KAFKA_SESSION_TIMEOUT_MS, 30 s by default, counted again from the
 * broker's restart), and the group's rebalance waits for it: after a broker outage the group
 * consumed nothing for a whole session timeout after the broker was back (measured: 30 s after a
 * 10 s outage). Sending LeaveGroup for the old member id as soon as the coordinator answers lets
 * the rebalance complete at once (measured: the first message ≈ 2.7 s after the broker was back;
 * test/integration/messaging/broker-restart.spec.ts).
 *
 * kafkajs has no public LeaveGroup for another member id; the one reach into its internals is
 * `kafkaCluster()` below. Without it this does nothing and the group recovers after the session
 * timeout.
 */
export class CrashedMemberEviction {
  private readonly logger = new Logger('KafkaTransport');
  private readonly running = new Set<Promise<void>>();
  private readonly clusters = new Set<ClusterLike>();
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly retryMs = 1_000,
  ) {}

  /** Starts removing `memberId` from `groupId`; retries until the coordinator answers or close(). */
  evict(groupId: string, memberId: string): void {
    if (this.stopped) return;
    const createCluster = kafkaCluster(this.kafka);
    if (!createCluster) {
      this.logger.warn({ groupId, memberId }, 'cannot remove the crashed consumer from its group (kafkajs internals changed); the group resumes after the session timeout');
      return;
    }
    const run = this.run(createCluster, groupId, memberId).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Stops every eviction in progress (after its current attempt's connection is dropped). */
  async close(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.clusters].map((c) => c.disconnect()));
    await Promise.allSettled([...this.running]);
  }

  private async run(createCluster: () => ClusterLike, groupId: string, memberId: string): Promise<void> {
    const cluster = createCluster();
    this.clusters.add(cluster);
    try {
      while (!this.stopped) {
        try {
          await cluster.connect();
          const coordinator = await cluster.findGroupCoordinator({ groupId });
          await coordinator.leaveGroup({ groupId, memberId });
          this.logger.log({ groupId, memberId }, 'crashed consumer removed from its group: the restarted one joins without waiting for its session to expire');
          return;
        } catch (err) {
          // Already gone (its session expired, or the group moved on): nothing to wait for.
          if ((err as { type?: string }).type === 'UNKNOWN_MEMBER_ID') return;
          if (this.stopped) return;
          await new Promise((r) => setTimeout(r, this.retryMs));
        }
      }
    } finally {
      this.clusters.delete(cluster);
      await cluster.disconnect().catch(() => undefined);
    }
  }
}

/** What eviction needs of a kafkajs cluster: the calls its consumer makes on disconnect, for any member id. */
export interface ClusterLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string }): Promise<{ leaveGroup(args: { groupId: string; memberId: string }): Promise<unknown> }>;
}

/**
 * The only place the platform touches kafkajs internals: its own cluster factory (what its admin,
 * producer and consumers are built on), found by the symbol `private:Kafka:createCluster` of
 * kafkajs 2.2.4, the last release. A cluster it makes has `findGroupCoordinator`, whose broker has
 * `leaveGroup`. Undefined when the symbol is gone (a kafkajs that changed); the spec beside this
 * file fails then, so an upgrade cannot silently lose the fast recovery.
 */
export function kafkaCluster(kafka: Kafka): (() => ClusterLike) | undefined {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = key ? (kafka as unknown as Record<symbol, unknown>)[key] : undefined;
  return typeof create === 'function' ? () => (create as (options: object) => ClusterLike)({}) : undefined;
}
