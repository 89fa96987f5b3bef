import { Inject, Injectable, Logger } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { edgeConfig, type EdgeSettings } from '@deploysphere/config';
import { LRUCache } from 'lru-cache';
import { DeploymentFiles } from './deployment-files';

/** How long "this deployment has no manifest" is remembered before the store is asked again. */
const MISSING_TTL_MS = 2_000;

/**
 * Deployments' file tables, bounded by the total number of files held (LRU). Loading is
 * single-flight: a burst of first requests for a deployment reads its manifest once.
 */
@Injectable()
export class ManifestCache {
  private readonly logger = new Logger('EdgeManifests');
  private readonly lru: LRUCache<string, DeploymentFiles>;
  private readonly loading = new Map<string, Promise<DeploymentFiles | undefined>>();
  private readonly missing = new Map<string, number>();

  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(edgeConfig.KEY) edge: EdgeSettings,
  ) {
    this.lru = new LRUCache({ maxSize: edge.manifestCacheFiles, sizeCalculation: (files) => files.weight });
  }

  peek(deploymentId: string): DeploymentFiles | undefined {
    return this.lru.get(deploymentId);
  }

  /** The deployment's files, or undefined when the store has no manifest for it. */
  load(deploymentId: string): Promise<DeploymentFiles | undefined> {
    const cached = this.lru.get(deploymentId);
    if (cached) return Promise.resolve(cached);
    const until = this.missing.get(deploymentId);
    if (until !== undefined && until > Date.now()) return Promise.resolve(undefined);
    let pending = this.loading.get(deploymentId);
    if (!pending) {
      pending = this.read(deploymentId).finally(() => this.loading.delete(deploymentId));
      this.loading.set(deploymentId, pending);
    }
    return pending;
  }

  /** Starts loading in the background (an alias is about to point at this deployment). */
  warm(deploymentId: string): void {
    this.load(deploymentId).catch((err) => this.logger.warn({ deploymentId, err: String(err) }, 'manifest warm-up failed'));
  }

  private async read(deploymentId: string): Promise<DeploymentFiles | undefined> {
    const manifest = await this.store.getManifest(deploymentId);
    if (!manifest) {
      this.missing.set(deploymentId, Date.now() + MISSING_TTL_MS);
      if (this.missing.size > 10_000) this.missing.clear();
      this.logger.warn({ deploymentId }, 'deployment has no manifest in the artifact store');
      return undefined;
    }
    const files = new DeploymentFiles(deploymentId, manifest);
    if (files.refused > 0) this.logger.error({ deploymentId, refused: files.refused }, 'manifest entries refused as unsafe');
    this.missing.delete(deploymentId);
    this.lru.set(deploymentId, files);
    return files;
  }
}
