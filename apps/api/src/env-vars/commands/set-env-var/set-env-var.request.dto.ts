import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DEPLOYMENT_TARGETS, type DeploymentTargetName } from '@deploysphere/contracts';

export class SetEnvVarRequestDto {
  @ApiProperty({ example: 'API_KEY', description: 'A shell-safe name: letters, digits, underscores, not starting with a digit' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/, { message: 'key must match [A-Za-z_][A-Za-z0-9_]* (max 255)' })
  key!: string;

  @ApiProperty({ example: 'sk_live_…', maxLength: 65536 })
  @IsString() @MaxLength(65536)
  value!: string;

  @ApiPropertyOptional({ enum: DEPLOYMENT_TARGETS, isArray: true, default: DEPLOYMENT_TARGETS })
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayUnique() @IsIn(DEPLOYMENT_TARGETS, { each: true })
  targets?: DeploymentTargetName[];

  @ApiPropertyOptional({ default: false, description: 'Secret values are never returned by the API' })
  @IsOptional() @IsBoolean()
  secret?: boolean;
}
