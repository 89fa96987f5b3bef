import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../../accounts/credentials.dto';

export class AcceptInvitationRequestDto {
  @ApiPropertyOptional({ example: 'Grace Hopper', minLength: 1, maxLength: 100, description: 'Required when no account has the invited email' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    example: 'correct horse battery staple',
    minLength: PASSWORD_MIN,
    maxLength: PASSWORD_MAX,
    format: 'password',
    description: "The new account's password; for an existing account its own password, unless its session cookie comes with the request",
  })
  @IsOptional() @IsString() @MinLength(PASSWORD_MIN) @MaxLength(PASSWORD_MAX)
  password?: string;
}
