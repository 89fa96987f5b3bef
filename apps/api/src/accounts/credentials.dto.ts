import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** A new password: long enough to resist guessing, short enough that hashing it stays cheap. */
export class NewPasswordDto {
  @ApiProperty({ example: 'correct horse battery staple', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString() @MinLength(PASSWORD_MIN) @MaxLength(PASSWORD_MAX)
  password!: string;
}

export class EmailField {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  @IsString() @MaxLength(254) @IsEmail()
  email!: string;
}

export class NameField {
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;
}
