import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { SCOPES, type Scope } from '@deploysphere/auth';

export class CreateTokenRequestDto {
  @ApiProperty({ example: 'ci', maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, default: ['read', 'write'], description: 'At most the caller\'s own scopes' })
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayUnique() @IsIn(SCOPES, { each: true })
  scopes?: Scope[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', description: 'Expiry; must be in the future' })
  @IsOptional() @IsISO8601({ strict: true })
  expiresAt?: string;
}
