import { ApiProperty } from '@nestjs/swagger';
import type { EnvVar } from '@deploysphere/database';
import { DEPLOYMENT_TARGETS } from '@deploysphere/contracts';

export class EnvVarDto {
  @ApiProperty({ example: 'env_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ example: 'API_KEY' }) key!: string;
  @ApiProperty({ enum: DEPLOYMENT_TARGETS }) target!: string;
  @ApiProperty({ description: 'Secret values are write-only' }) secret!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The value; null for secrets (never returned in clear)' }) value!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(row: EnvVar, plain: string | null): EnvVarDto {
    return {
      id: row.id,
      key: row.key,
      target: row.target,
      secret: row.secret,
      value: row.secret ? null : plain,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

export class EnvVarListDto {
  @ApiProperty({ type: [EnvVarDto] }) items!: EnvVarDto[];
}

/** Binds a ciphertext to its variable so it cannot be replayed into another (shared with the orchestrator). */
export { envVarAad } from '@deploysphere/common';
