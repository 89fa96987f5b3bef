import { Prisma } from '@deploysphere/database';

/**
 * Fragments for another store's statements that must see or lock deployment rows in the same
 * statement (the artifact store's blob references), so the deployments table is still named only
 * in this lib.
 */
export const deploymentRowSql = {
  /**
   * The ids among `ids` whose rows exist, as `id`, locked FOR KEY SHARE in id order and held until
   * commit: a concurrent delete of one of them waits for the statement. `skipLocked` leaves out a
   * row another transaction holds instead of waiting for it (the caller retries that one alone),
   * so a statement locking several rows never waits while holding some of them.
   */
  lockKeyShare: (ids: string[], { skipLocked = false } = {}): Prisma.Sql =>
    Prisma.sql`SELECT id FROM deployments WHERE id = ANY(${ids}::text[]) ORDER BY id FOR KEY SHARE${skipLocked ? Prisma.sql` SKIP LOCKED` : Prisma.empty}`,
  /** The ids among `ids` whose rows exist, as `id`. */
  existing: (ids: string[]): Prisma.Sql => Prisma.sql`SELECT id FROM deployments WHERE id = ANY(${ids}::text[])`,
  /** Deployments with stored output and an id above `after`, as `d`; the caller adds conditions, order and limit. */
  storedAfter: (after: string): Prisma.Sql =>
    Prisma.sql`SELECT d.id FROM deployments d WHERE d.artifact_manifest_key IS NOT NULL AND d.id > ${after}`,
};
