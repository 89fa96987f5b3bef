import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsRFC3339, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES, SCOPES, type Role, type Scope } from '@deploysphere/auth';

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

/** The dashboard's shape: a role instead of scopes. */
export class CreateTeamTokenRequestDto {
  @ApiProperty({ example: 'ci', minLength: 1, maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'member', description: 'What the token may do in your team, as a member with this role' })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z', format: 'date-time', description: 'Expiry (RFC 3339); must be in the future' })
  @IsOptional() @IsRFC3339()
  expiresAt?: string;
}
