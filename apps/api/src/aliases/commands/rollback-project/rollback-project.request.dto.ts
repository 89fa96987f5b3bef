import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class RollbackProjectRequestDto {
  @ApiPropertyOptional({ description: 'A READY deployment of this project; the previous production deployment when omitted' })
  @IsOptional() @Matches(/^dpl_[0-9a-z]{26}$/, { message: 'deploymentId must be a deployment id' })
  deploymentId?: string;
}
