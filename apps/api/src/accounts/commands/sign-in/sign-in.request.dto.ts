import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Checked loosely: a malformed email is simply a wrong one, answered like any other. */
export class SignInRequestDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @IsString() @IsNotEmpty() @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', maxLength: 200, format: 'password' })
  @IsString() @IsNotEmpty() @MaxLength(200)
  password!: string;
}
