import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@deploysphere/database';

/**
 * Runs a consumer's effect at most once per message: the processed-message row and the effect
 * commit in one transaction, so a redelivered message finds the row and does nothing.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly prisma: PrismaService) {}

  async runOnce<T>(
    consumer: string,
    messageId: string,
    effect: (tx: Prisma.TransactionClient) => Promise<T>,
  ): Promise<{ processed: true; result: T } | { processed: false }> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO processed_messages (consumer, message_id) VALUES (${consumer}, ${messageId})
        ON CONFLICT DO NOTHING`;
      if (inserted === 0) return { processed: false as const };
      return { processed: true as const, result: await effect(tx) };
    });
  }
}
