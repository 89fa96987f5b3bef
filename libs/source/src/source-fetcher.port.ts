/** What the orchestrator knows about a deployment's source when it prepares a build. */
export interface SourceReference {
  deploymentId: string;
  projectId: string;
  source: 'UPLOAD' | 'GIT';
  /** Key of the validated upload in the artifact store's `sources/` space (UPLOAD). */
  sourceKey?: string | null;
  /** GIT: repository, ref (branch or tag) and optionally an exact commit. */
  gitRepositoryUrl?: string | null;
  gitRef?: string | null;
  commitSha?: string | null;
}

/** What was fetched: for GIT the commit actually checked out (the ref's head when no sha was asked) and its message. */
export interface FetchedSource {
  commitSha?: string;
  commitMessage?: string;
}

/**
 * Materializes a deployment's source into an empty directory on the orchestrator's host:
 * extracts a stored upload (already validated at intake, checked again here) or shallow-clones
 * the git ref. Credentials for private repositories are used here and never reach the build.
 *
 * Rejects with a DomainError whose `code` is a stable failure code for the deployment
 * (`SOURCE_*`, `GIT_*` from SourceFetchError, `ARCHIVE_*` from ArchiveError) and whose message
 * is safe to show the user; any other error is a fault of the host (disk, store) and may be
 * retried. On failure the directory is left empty. An abort through `signal` kills a running
 * git and rejects with the signal's reason.
 */
export interface SourceFetcher {
  fetch(ref: SourceReference, targetDir: string, signal?: AbortSignal): Promise<FetchedSource>;
}

export const SOURCE_FETCHER = Symbol('SOURCE_FETCHER');
