import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LOG_STREAMS, type LogStreamName } from '@deploysphere/contracts';
import { MAX_SEARCH_LENGTH } from '@deploysphere/logs';

export class GetDeploymentLogsRequestDto {
  @ApiPropertyOptional({ minimum: 1, description: 'First line wanted (lines are numbered from 1)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ enum: LOG_STREAMS, description: 'Only lines of this stream (stderr for errors)' })
  @IsOptional() @IsIn(LOG_STREAMS)
  stream?: LogStreamName;

  @ApiPropertyOptional({ description: 'Lines at or after this instant (ISO-8601)', example: '2026-11-26T17:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Lines before this instant (ISO-8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Substring of the message; ASCII letters match case-insensitively', maxLength: MAX_SEARCH_LENGTH })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_SEARCH_LENGTH)
  q?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s `nextCursor`' })
  @IsOptional() @IsString() @MaxLength(200) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a valid cursor' })
  cursor?: string;
}
