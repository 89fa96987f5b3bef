import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const TEAM_SLUG = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export class CreateTeamRequestDto {
  @ApiProperty({ example: 'Acme', minLength: 1, maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 'acme', pattern: TEAM_SLUG.source, description: 'Lower-case letters, digits and hyphens; derived from the name when omitted' })
  @IsOptional() @IsString() @Matches(TEAM_SLUG, { message: 'slug must be a DNS label (a-z, 0-9, hyphens)' })
  slug?: string;
}
