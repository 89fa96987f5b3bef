import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { EmailField, NameField, NewPasswordDto } from '../../credentials.dto';

export class SetUpFirstOwnerRequestDto extends IntersectionType(EmailField, NewPasswordDto, NameField) {
  @ApiProperty({ example: 'Acme', minLength: 1, maxLength: 100, description: 'The first team; its slug is derived from the name' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  teamName!: string;

  @ApiPropertyOptional({ description: 'The one-time setup token printed at first start; not needed with the admin token as bearer', maxLength: 200 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200)
  setupToken?: string;
}
