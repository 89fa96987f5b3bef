import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsRFC3339, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { SCOPES, type Scope } from '@deploysphere/auth';

export class CreateTokenRequestDto {
  @ApiProperty({ example: 'ci', minLength: 1, maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, minItems: 1, uniqueItems: true, default: ['read', 'write'], description: 'At most the caller\'s own scopes' })
  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayUnique() @IsIn(SCOPES, { each: true })
  scopes?: Scope[];

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', format: 'date-time', description: 'Expiry (RFC 3339); must be in the future' })
  @IsOptional() @IsRFC3339()
  expiresAt?: string;
}
