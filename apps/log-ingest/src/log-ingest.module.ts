import { Module } from '@nestjs/common';

/**
 * Consumes build-log and access-log topics into the log store in batches. The pipeline
 * itself is issue 6; the module exists so every deployment shape already composes it.
 */
@Module({})
export class LogIngestModule {}
