import { ApiProperty } from '@nestjs/swagger';
import { ANALYTICS_INTERVALS } from '@deploysphere/logs';

export class StatusClassesDto {
  @ApiProperty({ name: '1xx' }) '1xx'!: number;
  @ApiProperty({ name: '2xx' }) '2xx'!: number;
  @ApiProperty({ name: '3xx' }) '3xx'!: number;
  @ApiProperty({ name: '4xx' }) '4xx'!: number;
  @ApiProperty({ name: '5xx' }) '5xx'!: number;
}

export class DurationDto {
  @ApiProperty({ description: 'Median response time (ms)' }) p50!: number;
  @ApiProperty({ description: '95th percentile response time (ms)' }) p95!: number;
}

export class TopPathDto {
  @ApiProperty({ example: '/index.html' }) path!: string;
  @ApiProperty() requests!: number;
}

export class AnalyticsBucketDto {
  @ApiProperty({ example: '2026-11-26T17:00:00.000Z', description: 'Start of the bucket' }) start!: string;
  @ApiProperty() requests!: number;
  @ApiProperty({ type: StatusClassesDto }) statusClasses!: StatusClassesDto;
  @ApiProperty({ description: 'Response body bytes sent' }) bytes!: number;
  @ApiProperty({ type: DurationDto, nullable: true, description: 'null when the bucket has no request' }) durationMs!: DurationDto | null;
  @ApiProperty({ type: [TopPathDto], description: 'Up to 5 paths with the most requests' }) topPaths!: TopPathDto[];
}

export class AnalyticsTotalsDto {
  @ApiProperty() requests!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty({ type: StatusClassesDto }) statusClasses!: StatusClassesDto;
}

export class ProjectAnalyticsDto {
  @ApiProperty() projectId!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ enum: Object.keys(ANALYTICS_INTERVALS) }) interval!: string;
  @ApiProperty({ type: [AnalyticsBucketDto], description: 'Every bucket in the range, empty ones included' }) buckets!: AnalyticsBucketDto[];
  @ApiProperty({ type: AnalyticsTotalsDto }) totals!: AnalyticsTotalsDto;
}
