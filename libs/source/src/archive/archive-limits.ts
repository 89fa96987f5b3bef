/**
 * What one source archive may contain. The same limits apply when an upload is accepted and
 * again when the orchestrator extracts it, so a stored archive can never exceed them on disk.
 */
export interface ArchiveLimits {
  /** Bytes of the gzip stream itself. */
  maxCompressedBytes: number;
  /** Bytes that come out of gunzip (tar headers included), and bytes written on extraction (a hard link's copy counts again). */
  maxUncompressedBytes: number;
  /** Entries of every kind: files, directories and links. */
  maxFiles: number;
  /** Size of one file. */
  maxFileBytes: number;
  /** Uncompressed over compressed bytes, checked once the output passes COMPRESSION_RATIO_FLOOR_BYTES. */
  maxCompressionRatio: number;
  /** Characters of one entry path (and of a link target). */
  maxPathLength: number;
  /** Segments of one entry path: a deep chain of tiny directories costs far more to copy than its bytes say. */
  maxPathDepth: number;
}

/** Below this much output the ratio is not checked: a small, very repetitive file is no bomb. */
export const COMPRESSION_RATIO_FLOOR_BYTES = 8 * 1024 * 1024;

/** One path segment, in bytes: the Linux NAME_MAX, beyond which extraction would fail anyway. */
export const MAX_SEGMENT_BYTES = 255;

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxCompressedBytes: 100 * 1024 * 1024,
  maxUncompressedBytes: 500 * 1024 * 1024,
  maxFiles: 50_000,
  maxFileBytes: 100 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxPathLength: 1024,
  maxPathDepth: 64,
};
