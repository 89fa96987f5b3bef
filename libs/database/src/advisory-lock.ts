import type { Prisma } from './generated/prisma/client';

/**
 * Holds the transaction-scoped advisory lock named `name` until `tx` ends: concurrent instances
 * doing the same one-off work (a first start's bootstrap) take turns.
 */
export async function holdAdvisoryLock(tx: Prisma.TransactionClient, name: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${name}))`;
}
