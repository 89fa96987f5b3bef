import { ApiProperty } from '@nestjs/swagger';
import type { Team } from '@deploysphere/database';

export class TeamDto {
  @ApiProperty({ example: 'team_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ example: 'Acme' }) name!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiProperty() createdAt!: string;

  static from(t: Team): TeamDto {
    return { id: t.id, name: t.name, slug: t.slug, createdAt: t.createdAt.toISOString() };
  }
}
