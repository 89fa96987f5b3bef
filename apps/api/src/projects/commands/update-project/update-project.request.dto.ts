import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ProjectSettingsDto } from '../../project-settings.dto';

/** The slug is immutable: it is the project's public URL. */
export class UpdateProjectRequestDto extends ProjectSettingsDto {
  @ApiPropertyOptional({ example: 'My App', minLength: 1, maxLength: 100 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;
}
