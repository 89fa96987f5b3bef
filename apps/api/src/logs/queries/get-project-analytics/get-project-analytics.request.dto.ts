import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { ANALYTICS_INTERVALS, type AnalyticsInterval } from '@deploysphere/logs';

const INTERVALS = Object.keys(ANALYTICS_INTERVALS) as AnalyticsInterval[];

export class GetProjectAnalyticsRequestDto {
  @ApiPropertyOptional({ description: 'Start, inclusive (ISO-8601); default: 24 hours before `to`' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'End, exclusive (ISO-8601); default: now' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: INTERVALS, default: '1h', description: 'Bucket width; buckets are aligned to the epoch (UTC)' })
  @IsOptional() @IsIn(INTERVALS)
  interval: AnalyticsInterval = '1h';
}
