import { ApiProperty } from '@nestjs/swagger';
import { LOG_STREAMS } from '@deploysphere/contracts';

export class LogLineDto {
  @ApiProperty({ example: 42, description: 'Per deployment, from 1, gap-free' }) seq!: number;
  @ApiProperty({ example: '2026-11-26T17:00:00.123Z' }) ts!: string;
  @ApiProperty({ enum: LOG_STREAMS }) stream!: string;
  @ApiProperty({ example: 'vite v5.4.0 building for production...' }) message!: string;
}
