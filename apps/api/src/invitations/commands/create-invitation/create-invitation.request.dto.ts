import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES, type Role } from '@deploysphere/auth';
import { EmailField } from '../../../accounts/credentials.dto';

class RoleField {
  @ApiProperty({ enum: ROLES, example: 'member' })
  @IsIn(ROLES)
  role!: Role;
}

export class CreateInvitationRequestDto extends IntersectionType(EmailField, RoleField) {}
