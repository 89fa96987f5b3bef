import { Injectable, Optional } from '@nestjs/common';
import { Prisma, PrismaService } from '@deploysphere/database';
import { OutboxRelay } from '../outbox/outbox.relay';

/**
 * Runs a consumer's effect at most once per message: the processed-message row and the effect
 * commit in one transaction, so a redelivered message finds the row and does nothing. Events the
 * effect wrote to the outbox are published after the commit (the relay is nudged).
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly prisma: PrismaService,
    @Optional() private readonly relay?: OutboxRelay,
  ) {}

  async runOnce<T>(
    consumer: string,
    messageId: string,
    effect: (tx: Prisma.TransactionClient) => Promise<T>,
  ): Promise<{ processed: true; result: T } | { processed: false }> {
    const outcome = await this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO processed_messages (consumer, message_id) VALUES (${consumer}, ${messageId})
        ON CONFLICT DO NOTHING`;
      if (inserted === 0) return { processed: false as const };
      return { processed: true as const, result: await effect(tx) };
    });
    if (outcome.processed) this.relay?.nudge();
    return outcome;
  }
}

/**
 * The batched form of runOnce's record, as a data-modifying CTE of a larger statement: records
 * every message id that `messageIds` selects (one column) for `consumer`, and returns (as
 * `message_id`) those recorded now, i.e. seen for the first time. The effect of a batch of
 * consumed messages and their records then commit in one statement.
 */
export function processedInsert(consumer: string, messageIds: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO processed_messages (consumer, message_id) SELECT DISTINCT ${consumer}, m.id FROM (${messageIds}) AS m(id)
    ON CONFLICT DO NOTHING RETURNING message_id`;
}
