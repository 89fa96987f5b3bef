import { Prisma } from '@deploysphere/database';

/**
 * Fragments for another store's transactions that must see or lock a deployment row in the same
 * statement sequence (the artifact store's blob references), so the deployments table is still
 * named only in this lib.
 */
export const deploymentRowSql = {
  /** Held until commit: a concurrent delete of the deployment waits for the transaction. */
  lockKeyShare: (id: string): Prisma.Sql => Prisma.sql`SELECT 1 FROM deployments WHERE id = ${id} FOR KEY SHARE`,
  exists: (id: string): Prisma.Sql => Prisma.sql`SELECT 1 FROM deployments WHERE id = ${id}`,
  /** Deployments with stored output and an id above `after`, as `d`; the caller adds conditions, order and limit. */
  storedAfter: (after: string): Prisma.Sql =>
    Prisma.sql`SELECT d.id FROM deployments d WHERE d.artifact_manifest_key IS NOT NULL AND d.id > ${after}`,
};
