import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AccessLogPublisher } from '@deploysphere/logs';
import type { AccessLogRecord } from './access-log-sink.port';
import { BatchingAccessLogSink, type BatchingOptions } from './batching-access-log-sink';

/**
 * Sends the edge's access records to the log pipeline (`logs.access.v1`: Kafka in distributed
 * mode, in process when embedded), from where log-ingest stores them for analytics. Batching
 * and the bounded buffer keep publishing off the request path.
 */
@Injectable()
export class PipelineAccessLogSink extends BatchingAccessLogSink implements OnApplicationShutdown {
  constructor(
    options: BatchingOptions,
    private readonly publisher: AccessLogPublisher,
  ) {
    super(options);
  }

  protected write(batch: AccessLogRecord[]): Promise<void> {
    return this.publisher.publish(batch);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
