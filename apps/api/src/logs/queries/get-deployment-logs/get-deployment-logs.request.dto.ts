import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsRFC3339, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LOG_STREAMS, type LogStreamName } from '@deploysphere/contracts';
import { MAX_SEARCH_LENGTH } from '@deploysphere/logs';
import { CURSOR } from '../../../http/pagination';

export class GetDeploymentLogsRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'First line wanted (lines are numbered from 1)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ enum: LOG_STREAMS, description: 'Only lines of this stream (stderr for errors)' })
  @IsOptional() @IsIn(LOG_STREAMS)
  stream?: LogStreamName;

  @ApiPropertyOptional({ format: 'date-time', description: 'Lines at or after this instant (RFC 3339)', example: '2026-11-26T17:00:00Z' })
  @IsOptional() @IsRFC3339()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Lines before this instant (RFC 3339)' })
  @IsOptional() @IsRFC3339()
  to?: string;

  @ApiPropertyOptional({ description: 'Substring of the message; ASCII letters match case-insensitively', minLength: 1, maxLength: MAX_SEARCH_LENGTH })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_SEARCH_LENGTH)
  q?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s `nextCursor`', pattern: CURSOR.source, maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200) @Matches(CURSOR, { message: 'cursor is not a valid cursor' })
  cursor?: string;
}
