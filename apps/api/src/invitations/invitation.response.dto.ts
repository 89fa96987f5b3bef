import { ApiProperty } from '@nestjs/swagger';
import type { Invitation } from '@deploysphere/database';
import { ROLES, type Role } from '@deploysphere/auth';

export class InvitationDto {
  @ApiProperty({ example: 'inv_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ example: 'grace@example.com' }) email!: string;
  @ApiProperty({ enum: ROLES, example: 'member' }) role!: Role;
  @ApiProperty() expiresAt!: string;
  @ApiProperty() createdAt!: string;

  static from(i: Invitation): InvitationDto {
    return { id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() };
  }
}

export class CreatedInvitationDto extends InvitationDto {
  @ApiProperty({ example: 'https://deploy.example.com/invite/dsi_Yk…', description: 'The single-use link to send the invitee. Shown only in this response.' }) url!: string;
}

export class InvitationListDto {
  @ApiProperty({ type: [InvitationDto], description: 'Invitations not yet accepted, newest first (expired ones included until deleted)' }) data!: InvitationDto[];
}

/** What the invitee sees before accepting. */
export class InvitationPreviewDto {
  @ApiProperty({ example: 'Acme' }) teamName!: string;
  @ApiProperty({ example: 'grace@example.com' }) email!: string;
  @ApiProperty({ enum: ROLES, example: 'member' }) role!: Role;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ description: 'An account has this email: accepting needs its password (or its session), not a new name' }) existingUser!: boolean;
}
