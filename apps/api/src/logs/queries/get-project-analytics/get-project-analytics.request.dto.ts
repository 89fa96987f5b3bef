import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsRFC3339, IsOptional } from 'class-validator';
import { ANALYTICS_INTERVALS, type AnalyticsInterval } from '@deploysphere/logs';

const INTERVALS = Object.keys(ANALYTICS_INTERVALS) as AnalyticsInterval[];

export class GetProjectAnalyticsRequestDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start, inclusive (RFC 3339); default: 24 hours before `to`' })
  @IsOptional() @IsRFC3339()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End, exclusive (RFC 3339); default: now' })
  @IsOptional() @IsRFC3339()
  to?: string;

  @ApiPropertyOptional({ enum: INTERVALS, default: '1h', description: 'Bucket width; buckets are aligned to the epoch (UTC)' })
  @IsOptional() @IsIn(INTERVALS)
  interval: AnalyticsInterval = '1h';
}
