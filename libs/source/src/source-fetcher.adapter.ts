import { Inject, Injectable, Logger } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { extractSourceArchive } from './archive/archive-extractor';
import { GIT_CREDENTIALS, type GitCredentialStore } from './git/git-credentials';
import { GitFetcher } from './git/git-fetcher';
import { SourceFetchError } from './source.errors';
import type { FetchedSource, SourceFetcher, SourceReference } from './source-fetcher.port';
import { SOURCE_OPTIONS, type SourceOptions } from './source.options';

/** The one SourceFetcher: uploads come from the artifact store, git sources from the git CLI. */
@Injectable()
export class DefaultSourceFetcher implements SourceFetcher {
  private readonly logger = new Logger(DefaultSourceFetcher.name);
  private readonly git: GitFetcher;

  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(SOURCE_OPTIONS) private readonly options: SourceOptions,
    @Inject(GIT_CREDENTIALS) credentials: GitCredentialStore,
  ) {
    this.git = new GitFetcher(credentials, { timeoutMs: options.gitTimeoutMs, gitBinary: options.gitBinary });
  }

  async fetch(ref: SourceReference, targetDir: string, signal?: AbortSignal): Promise<FetchedSource> {
    if (ref.source === 'UPLOAD') return this.extractUpload(ref, targetDir, signal);
    if (!ref.gitRepositoryUrl) throw new SourceFetchError('GIT_REPOSITORY_MISSING', 'The project has no git repository URL');
    return this.git.fetch({ projectId: ref.projectId, repositoryUrl: ref.gitRepositoryUrl, ref: ref.gitRef, commitSha: ref.commitSha }, targetDir, signal);
  }

  private async extractUpload(ref: SourceReference, targetDir: string, signal?: AbortSignal): Promise<FetchedSource> {
    const object = ref.sourceKey ? await this.store.getObject(ref.sourceKey) : undefined;
    if (!object) throw new SourceFetchError('SOURCE_ARCHIVE_MISSING', 'The uploaded source archive is no longer in the artifact store');
    const summary = await extractSourceArchive(object.bytes ?? object.stream, targetDir, this.options.limits, signal).catch((error: unknown) => {
      object.stream.destroy();
      throw error;
    });
    this.logger.log(
      { deploymentId: ref.deploymentId, files: summary.files, bytes: summary.extractedBytes, symlinks: summary.symlinks },
      'uploaded source extracted',
    );
    return {};
  }
}
