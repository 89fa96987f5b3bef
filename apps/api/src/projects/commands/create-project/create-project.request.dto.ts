import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ProjectSettingsDto } from '../../project-settings.dto';

export class CreateProjectRequestDto extends ProjectSettingsDto {
  @ApiProperty({ example: 'My App', maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: 'my-app', description: 'A DNS label; derived from the name (with a suffix if taken) when omitted' })
  @IsOptional() @IsString() @MaxLength(63)
  slug?: string;
}
