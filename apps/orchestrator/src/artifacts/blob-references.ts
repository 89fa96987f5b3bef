import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@deploysphere/database';
import { deploymentRowSql } from '@deploysphere/deployments';

/** The deployment was deleted before its blobs were reserved: its build must not store anything. */
export class DeploymentGoneError extends Error {
  constructor(readonly deploymentId: string) {
    super(`deployment ${deploymentId} no longer exists`);
  }
}

export interface ReleaseResult {
  /** Blobs deleted from the store: no other deployment referenced them. */
  deleted: number;
  /** References dropped whose blob another deployment still uses. */
  shared: number;
  /** Blobs skipped because a build was reserving them at that moment (tried on the next pass). */
  busy: number;
}

/** Advisory lock key of a blob (64-bit; a collision only serialises two unrelated blobs). */
const lockKeys = (digests: string[]) => Prisma.sql`SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(${digests}::text[]) s`;

/**
 * Which deployments use which blob (`artifact_blob_refs`), and the lock that keeps a clean-up
 * from deleting a blob a build is about to reuse. A build records its references under shared
 * advisory locks before it checks which blobs exist; the clean-up drops a deployment's references
 * and deletes the blobs nobody else references while it holds the exclusive lock of each, so
 * either the build's reference is seen and the blob kept, or the build waits until the blob is
 * gone and uploads it again. The clean-up only ever tries a lock, so the two never deadlock.
 */
@Injectable()
export class BlobReferences {
  constructor(private readonly prisma: PrismaService) {}

  /** Records that the (existing) deployment uses these blobs; DeploymentGoneError when it was deleted. */
  async reserve(deploymentId: string, digests: string[]): Promise<void> {
    await this.prisma.queryTransaction(async (query) => {
      // KEY SHARE: a concurrent delete of the deployment waits for this transaction, and so
      // queues its purge only once these references exist.
      const [row] = await query(deploymentRowSql.lockKeyShare(deploymentId));
      if (!row) throw new DeploymentGoneError(deploymentId);
      await this.insert(query, deploymentId, digests);
    });
  }

  /** Records references of a deployment that may already be deleted (its manifest read back during a purge or a backfill). */
  async adopt(deploymentId: string, digests: string[]): Promise<void> {
    await this.prisma.queryTransaction((query) => this.insert(query, deploymentId, digests));
  }

  /**
   * Drops the deployment's references, `batch` at a time, and deletes (through `deleteBlobs`) each
   * blob no other deployment references. Each batch is one transaction: a crash or a failed delete
   * keeps its references, so the next pass tries again and nothing is forgotten.
   */
  async release(deploymentId: string, deleteBlobs: (digests: string[]) => Promise<void>, batch = 500): Promise<ReleaseResult> {
    const result: ReleaseResult = { deleted: 0, shared: 0, busy: 0 };
    for (let after = ''; ; ) {
      const page = await this.prisma.query<{ sha256: string }>(Prisma.sql`
        SELECT sha256 FROM artifact_blob_refs WHERE deployment_id = ${deploymentId} AND sha256 > ${after} ORDER BY sha256 LIMIT ${batch}`);
      if (page.length === 0) return result;
      after = page[page.length - 1].sha256;
      const digests = page.map((r) => r.sha256);
      await this.prisma.queryTransaction(async (query) => {
        const locked = (
          await query<{ s: string }>(Prisma.sql`SELECT s FROM unnest(${digests}::text[]) s WHERE pg_try_advisory_xact_lock(hashtextextended(s, 0))`)
        ).map((r) => r.s);
        if (locked.length === 0) return void (result.busy += digests.length);
        await query(Prisma.sql`DELETE FROM artifact_blob_refs WHERE deployment_id = ${deploymentId} AND sha256 = ANY(${locked}::text[])`);
        const used = new Set(
          (await query<{ sha256: string }>(Prisma.sql`SELECT DISTINCT sha256 FROM artifact_blob_refs WHERE sha256 = ANY(${locked}::text[])`)).map((r) => r.sha256),
        );
        const unused = locked.filter((d) => !used.has(d));
        // Inside the transaction: its locks keep builds from reserving these blobs until they are gone.
        await deleteBlobs(unused);
        result.deleted += unused.length;
        result.shared += used.size;
        result.busy += digests.length - locked.length;
      });
    }
  }

  /** Queues a purge of a deployment that no longer exists (a build that stored its output after its project was deleted). */
  async purgeIfGone(deploymentId: string): Promise<boolean> {
    const rows = await this.prisma.query(Prisma.sql`
      INSERT INTO artifact_purges (deployment_id) SELECT ${deploymentId}
      WHERE NOT EXISTS (${deploymentRowSql.exists(deploymentId)})
      ON CONFLICT (deployment_id) DO NOTHING RETURNING deployment_id`);
    return rows.length > 0;
  }

  private async insert(query: <R>(sql: Prisma.Sql) => Promise<R[]>, deploymentId: string, digests: string[]): Promise<void> {
    if (digests.length === 0) return;
    // Shared: builds never wait for each other, only for a clean-up deleting one of these blobs now.
    await query(Prisma.sql`SELECT pg_advisory_xact_lock_shared(k) FROM (${lockKeys(digests)} ORDER BY k) locks`);
    await query(Prisma.sql`
      INSERT INTO artifact_blob_refs (deployment_id, sha256) SELECT ${deploymentId}, s FROM unnest(${digests}::text[]) s
      ON CONFLICT DO NOTHING`);
  }
}
