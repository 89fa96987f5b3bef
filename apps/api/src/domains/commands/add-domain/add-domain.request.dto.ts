import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { HOSTNAME_CHARACTERS } from '../../hostname';

export class AddDomainRequestDto {
  @ApiProperty({
    example: 'www.example.com',
    minLength: 1,
    maxLength: 255,
    pattern: HOSTNAME_CHARACTERS,
    description: 'A domain name you control; Unicode names are stored in punycode. Not an IP address, not the platform\'s own domain',
  })
  @IsString() @IsNotEmpty() @MaxLength(255)
  hostname!: string;
}
