import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DEPLOYMENT_TARGETS, type DeploymentTargetName } from '@deploysphere/contracts';
import { MULTI_LINE_PATTERN } from '../../../http/input-rules';

export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export class SetEnvVarRequestDto {
  @ApiProperty({ example: 'API_KEY', pattern: ENV_KEY.source, description: 'A shell-safe name: letters, digits, underscores, not starting with a digit' })
  @Matches(ENV_KEY, { message: 'key must match [A-Za-z_][A-Za-z0-9_]* (max 255)' })
  key!: string;

  @ApiProperty({ example: 'sk_live_…', maxLength: 65536, pattern: MULTI_LINE_PATTERN, description: 'Text; may hold tabs and line breaks, no other control character' })
  @IsString() @MaxLength(65536) @Matches(new RegExp(MULTI_LINE_PATTERN), { message: 'value must not contain control characters other than tab and line breaks' })
  value!: string;

  @ApiPropertyOptional({ enum: DEPLOYMENT_TARGETS, isArray: true, minItems: 1, uniqueItems: true, default: DEPLOYMENT_TARGETS })
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayUnique() @IsIn(DEPLOYMENT_TARGETS, { each: true })
  targets?: DeploymentTargetName[];

  @ApiPropertyOptional({ default: false, description: 'Secret values are never returned by the API' })
  @IsOptional() @IsBoolean()
  secret?: boolean;
}
