import { Module } from '@nestjs/common';
import { LogsModule } from '@deploysphere/logs';
import { LogIngestService } from './ingest/log-ingest.service';
import { LogRetentionService } from './ingest/log-retention.service';

/** Consumes the build-log and access-log topics into the log store in batches, and applies retention. */
@Module({
  imports: [LogsModule],
  providers: [LogIngestService, LogRetentionService],
})
export class LogIngestModule {}
