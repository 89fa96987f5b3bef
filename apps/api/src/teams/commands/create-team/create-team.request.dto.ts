import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateTeamRequestDto {
  @ApiProperty({ example: 'Acme', maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 'acme', description: 'Lower-case letters, digits and hyphens; derived from the name when omitted' })
  @IsOptional() @IsString() @Matches(/^(?!-)[a-z0-9-]{1,63}(?<!-)$/, { message: 'slug must be a DNS label (a-z, 0-9, hyphens)' })
  slug?: string;
}
