export * from './source-fetcher.port';
export { DefaultSourceFetcher } from './source-fetcher.adapter';
export { SourceModule } from './source.module';
export { SOURCE_OPTIONS, type SourceOptions } from './source.options';
export { SourceFetchError, type SourceFetchProblem } from './source.errors';
export { ArchiveError, type ArchiveProblem } from './archive/archive.errors';
export { COMPRESSION_RATIO_FLOOR_BYTES, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive/archive-limits';
export { ArchiveEntryPolicy, normalizeEntryPath, symlinkStaysInside, type ArchiveEntry } from './archive/archive-entries';
export { readSourceArchive, type ArchiveSummary, type ReadArchiveOptions } from './archive/archive-reader';
export { extractSourceArchive } from './archive/archive-extractor';
export { SourceUploads, type AcceptedUpload } from './uploads/source-uploads.service';
export {
  DEFAULT_GIT_USERNAME,
  GIT_CREDENTIALS,
  gitCredentialAad,
  openGitCredential,
  sealGitCredential,
  type GitCredential,
  type GitCredentialStore,
} from './git/git-credentials';
export { GitFetcher, type GitFetchRequest, type GitFetcherOptions } from './git/git-fetcher';
export { parseRepositoryUrl, redact, redactUrls } from './git/git-url';
