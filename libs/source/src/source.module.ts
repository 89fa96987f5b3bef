import { Module } from '@nestjs/common';
import { dataConfig, sourceConfig, type ConfigType } from '@deploysphere/config';
import { join } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS } from './archive/archive-limits';
import { GIT_CREDENTIALS } from './git/git-credentials';
import { PrismaGitCredentialStore } from './git/prisma-git-credentials.adapter';
import { DefaultSourceFetcher } from './source-fetcher.adapter';
import { SOURCE_FETCHER } from './source-fetcher.port';
import { SOURCE_OPTIONS, type SourceOptions } from './source.options';
import { SourceUploads } from './uploads/source-uploads.service';

/**
 * Source intake and fetching: SourceUploads (the api's upload intake) and SOURCE_FETCHER (the
 * orchestrator's way to materialize a deployment's source). Needs what CoreModule provides
 * globally: config, PrismaService, SECRET_BOX and ARTIFACT_STORE.
 */
@Module({
  providers: [
    {
      provide: SOURCE_OPTIONS,
      inject: [sourceConfig.KEY, dataConfig.KEY],
      useFactory: (source: ConfigType<typeof sourceConfig>, data: ConfigType<typeof dataConfig>): SourceOptions => ({
        limits: { ...DEFAULT_ARCHIVE_LIMITS, ...source.upload },
        spoolDir: join(data.dataDir, 'tmp', 'uploads'),
        gitTimeoutMs: source.gitTimeoutMs,
      }),
    },
    { provide: GIT_CREDENTIALS, useClass: PrismaGitCredentialStore },
    { provide: SOURCE_FETCHER, useClass: DefaultSourceFetcher },
    SourceUploads,
  ],
  exports: [SOURCE_FETCHER, SOURCE_OPTIONS, SourceUploads],
})
export class SourceModule {}
