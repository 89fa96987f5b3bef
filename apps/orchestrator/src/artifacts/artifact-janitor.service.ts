import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CoalescedRunner } from '@deploysphere/common';
import { sourceConfig, type ConfigType } from '@deploysphere/config';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { ARTIFACT_STORE, ManifestValidationError, type ArtifactStore } from '@deploysphere/storage';
import { BlobReferences } from './blob-references.repository';

const EVERY_MS = 10 * 60 * 1000;
const PAGE = 100;

export interface JanitorPass {
  /** Deleted deployments whose manifest, source archive and unshared blobs are gone. */
  purged: string[];
  /** Deleted deployments left for the next pass (a build was reserving one of their blobs). */
  pending: string[];
  blobsDeleted: number;
  /** Source archives of ended deployments removed after the retention. */
  sourcesExpired: number;
}

/**
 * Removes from the artifact store what no deployment needs any more, at start, every ten
 * minutes, and when a project is deleted (nudge):
 *  - deleted deployments (queued in `artifact_purges` by a trigger): manifest, then source
 *    archive, then every blob no other deployment references (BlobReferences);
 *  - source archives of deployments that ended more than SOURCE_RETENTION_HOURS ago.
 * Every step is idempotent and a purge row goes only when its deployment is fully cleaned, so a
 * crash anywhere is finished by the next pass; several instances doing it at once is harmless.
 * Before the first purge, deployments stored before references were recorded get theirs from
 * their manifest, so no blob they use can look unreferenced.
 */
@Injectable()
export class ArtifactJanitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ArtifactJanitor');
  private timer?: NodeJS.Timeout;
  private backfilled = false;
  private readonly passes = new CoalescedRunner(
    async () => {
      const pass = await this.run();
      if (pass.purged.length || pass.pending.length || pass.sourcesExpired) this.logger.log(pass, 'artifact clean-up pass');
    },
    (err) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'artifact clean-up pass failed; tried again on the next one'),
  );

  constructor(
    private readonly references: BlobReferences,
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(sourceConfig.KEY) private readonly cfg: ConfigType<typeof sourceConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.nudge(), EVERY_MS);
    this.timer.unref();
    this.nudge();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.passes.stop();
  }

  /** Runs a pass now, or right after the one in progress. */
  nudge(): void {
    this.passes.run();
  }

  /** One full pass (tests call it directly); `now` decides which source archives expired. */
  async run(now = new Date()): Promise<JanitorPass> {
    if (!this.backfilled) {
      await this.backfill();
      this.backfilled = true;
    }
    const pass: JanitorPass = { purged: [], pending: [], blobsDeleted: 0, sourcesExpired: 0 };
    await this.purgeDeleted(pass);
    await this.expireSources(now, pass);
    return pass;
  }

  /** References of deployments stored before `artifact_blob_refs` existed, read from their manifests. */
  private async backfill(): Promise<void> {
    for (let after = ''; ; ) {
      const ids = await this.references.unreferencedStored(after, PAGE);
      if (ids.length === 0) return;
      after = ids[ids.length - 1];
      for (const id of ids) {
        const manifest = await this.store.getManifest(id);
        if (manifest) await this.references.adopt(id, [...new Set(manifest.files.map((f) => f.sha256))]);
      }
    }
  }

  private async purgeDeleted(pass: JanitorPass): Promise<void> {
    const seen = new Set<string>();
    for (;;) {
      const rows = await this.references.pendingPurges([...seen], PAGE);
      if (rows.length === 0) return;
      for (const row of rows) {
        seen.add(row.id);
        await this.purge(row.id, row.sourceKey, pass);
      }
    }
  }

  private async purge(deploymentId: string, sourceKey: string | null, pass: JanitorPass): Promise<void> {
    // What its manifest names becomes a reference first: blobs stored by a build that was still
    // running when the deployment was deleted are then released below like the others.
    const manifest = await this.store.getManifest(deploymentId).catch((err: unknown) => {
      if (err instanceof ManifestValidationError) return undefined;
      throw err;
    });
    if (manifest) await this.references.adopt(deploymentId, [...new Set(manifest.files.map((f) => f.sha256))]);
    // The manifest goes before its blobs, so it never names a missing blob.
    await this.store.deleteManifest(deploymentId);
    if (sourceKey) await this.store.deleteObject(sourceKey);
    const released = await this.references.release(deploymentId, (digests) => this.store.deleteBlobs(digests));
    pass.blobsDeleted += released.deleted;
    if (released.busy > 0) {
      pass.pending.push(deploymentId);
      return;
    }
    await this.references.purged(deploymentId);
    pass.purged.push(deploymentId);
  }

  private async expireSources(now: Date, pass: JanitorPass): Promise<void> {
    const before = new Date(now.getTime() - this.cfg.retentionMs);
    for (;;) {
      const rows = await this.deployments.withExpiredSources(before, PAGE);
      if (rows.length === 0) return;
      for (const row of rows) {
        // Object first, column after: a crash in between only repeats an idempotent delete.
        await this.store.deleteObject(row.sourceKey);
        await this.deployments.forgetSource(row.id, row.sourceKey);
        pass.sourcesExpired++;
      }
    }
  }
}
