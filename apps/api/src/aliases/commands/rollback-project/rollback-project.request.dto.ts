import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const DEPLOYMENT_ID = /^dpl_[0-9a-z]{26}$/;

export class RollbackProjectRequestDto {
  @ApiPropertyOptional({ pattern: DEPLOYMENT_ID.source, description: 'A READY deployment of this project; the previous production deployment when omitted' })
  @IsOptional() @Matches(DEPLOYMENT_ID, { message: 'deploymentId must be a deployment id' })
  deploymentId?: string;
}
