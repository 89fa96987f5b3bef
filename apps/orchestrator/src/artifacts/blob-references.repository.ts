import { Injectable } from '@nestjs/common';
import { Batcher } from '@deploysphere/common';
import { Prisma, PrismaService } from '@deploysphere/database';
import { deploymentRowSql } from '@deploysphere/deployments';

/** The deployment was deleted before its blobs were reserved: its build must not store anything. */
export class DeploymentGoneError extends Error {
  constructor(readonly deploymentId: string) {
    super(`deployment ${deploymentId} no longer exists`);
  }
}

interface Reservation {
  deploymentId: string;
  digests: string[];
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
 * Which deployments use which blob (`artifact_blob_refs`), the purges queued for deleted
 * deployments (`artifact_purges`), and the lock that keeps a clean-up from deleting a blob a
 * build is about to reuse. A build records its references under shared
 * advisory locks before it checks which blobs exist; the clean-up drops a deployment's references
 * and deletes the blobs nobody else references while it holds the exclusive lock of each, so
 * either the build's reference is seen and the blob kept, or the build waits until the blob is
 * gone and uploads it again. The clean-up only ever tries a lock, so the two never deadlock.
 */
@Injectable()
export class BlobReferences {
  /**
   * The reservations of concurrent builds, group-committed: one statement per batch locks the
   * rows, takes the blobs' shared locks and records the references (see reserveRows).
   */
  private readonly reservations = new Batcher<Reservation, boolean | undefined>(async (items) => {
    const skipLocked = items.length > 1;
    const present = await this.reserveRows(items, skipLocked);
    // Undefined: not found in a batch, so gone or skipped while another transaction held it.
    return items.map((item) => present.has(item.deploymentId) || (skipLocked ? undefined : false));
  });

  /** The purge checks of builds that stored their output together, in one statement. */
  private readonly goneChecks = new Batcher<string, boolean>(async (ids) => {
    const queued = await this.prisma.query<{ deployment_id: string }>(Prisma.sql`
      INSERT INTO artifact_purges (deployment_id)
      SELECT id FROM unnest(${[...new Set(ids)]}::text[]) AS t(id) EXCEPT ${deploymentRowSql.existing(ids)}
      ON CONFLICT (deployment_id) DO NOTHING RETURNING deployment_id`);
    const queuedIds = new Set(queued.map((r) => r.deployment_id));
    return ids.map((id) => queuedIds.has(id));
  });

  constructor(private readonly prisma: PrismaService) {}

  /** Records that the (existing) deployment uses these blobs; DeploymentGoneError when it was deleted. */
  async reserve(deploymentId: string, digests: string[]): Promise<void> {
    const item = { deploymentId, digests };
    // A row skipped by the batch is reserved alone, waiting for its lock, without holding up the batch.
    const reserved = (await this.reservations.submit(item)) ?? (await this.reserveRows([item], false)).has(deploymentId);
    if (!reserved) throw new DeploymentGoneError(deploymentId);
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

  /** Ids of stored deployments after `after` (in id order) that have no references recorded. */
  async unreferencedStored(after: string, limit: number): Promise<string[]> {
    const rows = await this.prisma.query<{ id: string }>(Prisma.sql`
      ${deploymentRowSql.storedAfter(after)}
        AND NOT EXISTS (SELECT 1 FROM artifact_blob_refs r WHERE r.deployment_id = d.id)
      ORDER BY d.id LIMIT ${limit}`);
    return rows.map((r) => r.id);
  }

  /** Deleted deployments whose artifacts are still to be purged, oldest first, leaving out `seen`. */
  pendingPurges(seen: string[], limit: number): Promise<Array<{ id: string; sourceKey: string | null }>> {
    return this.prisma.query(Prisma.sql`
      SELECT deployment_id AS id, source_key AS "sourceKey" FROM artifact_purges
      WHERE NOT (deployment_id = ANY(${seen}::text[])) ORDER BY created_at, deployment_id LIMIT ${limit}`);
  }

  /** The deployment's artifacts are gone: its purge is done. */
  async purged(deploymentId: string): Promise<void> {
    await this.prisma.query(Prisma.sql`DELETE FROM artifact_purges WHERE deployment_id = ${deploymentId}`);
  }

  /** Queues a purge of a deployment that no longer exists (a build that stored its output after its project was deleted). */
  purgeIfGone(deploymentId: string): Promise<boolean> {
    return this.goneChecks.submit(deploymentId);
  }

  /**
   * One statement, its own transaction: locks the rows of the reservations' deployments FOR KEY
   * SHARE (a concurrent delete of one waits, and so queues its purge only once its references
   * exist), takes the shared advisory lock of each blob of the deployments found, and records
   * their references; returns the ids found. `skipLocked` (several deployments) skips a row
   * another transaction holds rather than wait for it while holding the others.
   */
  private async reserveRows(items: Reservation[], skipLocked: boolean): Promise<Set<string>> {
    const ids = [...new Set(items.map((i) => i.deploymentId))];
    const pairs = items.flatMap((i) => i.digests.map((sha256) => [i.deploymentId, sha256] as const));
    // The insert reads `locked` (an always-true count), so the locks are taken by this statement
    // whatever order PostgreSQL runs its parts in, and held until it commits.
    const rows = await this.prisma.query<{ id: string }>(Prisma.sql`
      WITH input AS (SELECT * FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS t(deployment_id, sha256)),
      present AS MATERIALIZED (${deploymentRowSql.lockKeyShare(ids, { skipLocked })}),
      wanted AS MATERIALIZED (SELECT deployment_id, sha256 FROM input WHERE deployment_id IN (SELECT id FROM present)),
      locked AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(k) FROM (SELECT DISTINCT hashtextextended(sha256, 0) AS k FROM wanted) keys ORDER BY k),
      inserted AS (
        INSERT INTO artifact_blob_refs (deployment_id, sha256)
        SELECT deployment_id, sha256 FROM wanted WHERE (SELECT count(*) FROM locked) >= 0
        ON CONFLICT DO NOTHING)
      SELECT id FROM present`);
    return new Set(rows.map((r) => r.id));
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
