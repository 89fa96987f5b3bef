import { Query } from '@nestjs/cqrs';
import type { AnalyticsInterval, AnalyticsResult } from '@deploysphere/logs';

export class GetProjectAnalyticsQuery extends Query<AnalyticsResult> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly from: Date,
    readonly to: Date,
    readonly interval: AnalyticsInterval,
  ) {
    super();
  }
}
