import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiToken } from '@deploysphere/database';
import { ROLES, roleOfScopes, SCOPES, type Role } from '@deploysphere/auth';

export class TokenDto {
  @ApiProperty({ example: 'tok_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty() teamId!: string;
  @ApiProperty({ example: 'ci' }) name!: string;
  @ApiProperty({ example: 'dsp_Ab3x', description: 'First characters of the secret, to tell tokens apart' }) prefix!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty({ enum: [...ROLES, null], nullable: true, description: 'The role its scopes give: admin → owner, write → member, read → viewer' }) role!: Role | null;
  @ApiPropertyOptional({ type: String, nullable: true }) expiresAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastUsedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) revokedAt!: string | null;
  @ApiProperty() createdAt!: string;

  static from(t: ApiToken): TokenDto {
    return {
      id: t.id,
      teamId: t.teamId,
      name: t.name,
      prefix: t.prefix,
      scopes: t.scopes,
      role: roleOfScopes(t.scopes) ?? null,
      expiresAt: t.expiresAt?.toISOString() ?? null,
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      revokedAt: t.revokedAt?.toISOString() ?? null,
      createdAt: t.createdAt.toISOString(),
    };
  }
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The secret. Shown only in this response; store it now.' }) token!: string;
}
