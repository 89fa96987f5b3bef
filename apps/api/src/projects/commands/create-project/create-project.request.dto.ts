import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ProjectSettingsDto } from '../../project-settings.dto';

/** The shape of a slug; the handler also refuses reserved names and preview-like ones. */
const PROJECT_SLUG = /^(?!-)(?!.*--)[a-z0-9-]{1,63}(?<!-)$/;

export class CreateProjectRequestDto extends ProjectSettingsDto {
  @ApiProperty({ example: 'My App', minLength: 1, maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 'my-app', pattern: PROJECT_SLUG.source, description: 'A DNS label (no double hyphen, not a reserved name); derived from the name (with a suffix if taken) when omitted' })
  @IsOptional() @IsString() @Matches(PROJECT_SLUG, { message: 'slug must be a DNS label: 1–63 of a-z, 0-9 and single hyphens' })
  slug?: string;
}
