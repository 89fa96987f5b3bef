export * from './artifact-store.port';
export { ContentAddressedArtifactStore, RangeNotSatisfiableError, type ByteRange, type PutDeploymentResult } from './content-addressed.store';
export { FsArtifactStore } from './fs-artifact.store';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact.store';
export {
  ManifestValidationError,
  blobKey,
  isSafeRelativePath,
  isSha256,
  manifestKey,
  parseManifest,
  relativePathProblem,
  sourceKey,
  validateManifest,
} from './manifest';
export { BlobChangedError, contentTypeFor, type SkipReason, type SkippedEntry } from './scan';
export { STORAGE_OPTIONS, type StorageOptions } from './storage.options';
export { StorageModule, createArtifactStore, type StorageModuleAsyncOptions } from './storage.module';
export { IGNORE_FILE, NEVER_PUBLISHED, PublishRules, type PublishVerdict } from './publish-rules';
