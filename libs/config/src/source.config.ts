import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { readArea, toInt } from './area.validation';

const UPLOAD_BYTES = { message: 'must be an integer number of bytes, from 1024 (1 KiB) to 100 GiB' };
const UPLOAD_FILES = { message: 'must be an integer from 1 to 10000000' };
const RATIO = { message: 'must be an integer from 2 to 100000' };
const GIT_TIMEOUT = { message: 'must be an integer number of seconds from 5 to 3600' };

/** Source intake: upload limits (applied again on extraction) and the git fetch timeout. */
export class SourceEnvironment {
  /** Largest uploaded source archive (the gzip bytes). */
  @Transform(toInt) @IsInt(UPLOAD_BYTES) @Min(1_024, UPLOAD_BYTES) @Max(10 * 1_073_741_824, UPLOAD_BYTES)
  UPLOAD_MAX_COMPRESSED_BYTES = 104_857_600;

  /** Most bytes an upload may expand to (tar stream and extracted files, hard-link copies included). */
  @Transform(toInt) @IsInt(UPLOAD_BYTES) @Min(1_024, UPLOAD_BYTES) @Max(100 * 1_073_741_824, UPLOAD_BYTES)
  UPLOAD_MAX_UNCOMPRESSED_BYTES = 524_288_000;

  /** Most entries (files, directories, links) in an upload. */
  @Transform(toInt) @IsInt(UPLOAD_FILES) @Min(1, UPLOAD_FILES) @Max(10_000_000, UPLOAD_FILES)
  UPLOAD_MAX_FILES = 50_000;

  /** Largest single file in an upload. */
  @Transform(toInt) @IsInt(UPLOAD_BYTES) @Min(1_024, UPLOAD_BYTES) @Max(100 * 1_073_741_824, UPLOAD_BYTES)
  UPLOAD_MAX_FILE_BYTES = 104_857_600;

  /** An upload expanding more than this many times (past its first 8 MiB) is refused as an archive bomb. */
  @Transform(toInt) @IsInt(RATIO) @Min(2, RATIO) @Max(100_000, RATIO)
  UPLOAD_MAX_COMPRESSION_RATIO = 200;

  /** Wall-clock limit of one shallow git fetch of a deployment's source. */
  @Transform(toInt) @IsInt(GIT_TIMEOUT) @Min(5, GIT_TIMEOUT) @Max(3_600, GIT_TIMEOUT)
  GIT_CLONE_TIMEOUT_SECONDS = 120;

  /** Hours an uploaded source archive (it holds the project's files, `.env` included) is kept after its deployment ended. */
  @Transform(toInt) @IsInt({ message: 'must be an integer number of hours from 1 to 87600' }) @Min(1) @Max(87_600)
  SOURCE_RETENTION_HOURS = 72;
}

export const sourceConfig = registerAs('source', () => {
  const env = readArea(SourceEnvironment);
  return {
    upload: {
      maxCompressedBytes: env.UPLOAD_MAX_COMPRESSED_BYTES,
      maxUncompressedBytes: env.UPLOAD_MAX_UNCOMPRESSED_BYTES,
      maxFiles: env.UPLOAD_MAX_FILES,
      maxFileBytes: env.UPLOAD_MAX_FILE_BYTES,
      maxCompressionRatio: env.UPLOAD_MAX_COMPRESSION_RATIO,
    },
    gitTimeoutMs: env.GIT_CLONE_TIMEOUT_SECONDS * 1000,
    /** Uploaded archives of ended deployments are removed after this long. */
    retentionMs: env.SOURCE_RETENTION_HOURS * 3_600_000,
  };
});
