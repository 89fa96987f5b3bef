import { ApiProperty } from '@nestjs/swagger';
import type { Membership, User } from '@deploysphere/database';
import { ROLES, type Role } from '@deploysphere/auth';

export class MemberDto {
  @ApiProperty({ example: 'usr_01jd8x3k9m2f4q7r8s9t0v1w2x' }) userId!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name!: string;
  @ApiProperty({ enum: ROLES, example: 'member' }) role!: Role;
  @ApiProperty() joinedAt!: string;

  static from(m: Membership & { user: User }): MemberDto {
    return { userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, joinedAt: m.createdAt.toISOString() };
  }
}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto], description: 'Oldest member first' }) data!: MemberDto[];
}
