import { ApiProperty } from '@nestjs/swagger';
import type { Team, User } from '@deploysphere/database';
import { ROLES, type Role } from '@deploysphere/auth';

export class UserDto {
  @ApiProperty({ example: 'usr_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ example: 'Ada Lovelace' }) name!: string;
  @ApiProperty() createdAt!: string;

  static from(u: User): UserDto {
    return { id: u.id, email: u.email, name: u.name, createdAt: u.createdAt.toISOString() };
  }
}

export class TeamSummaryDto {
  @ApiProperty({ example: 'team_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ example: 'Acme' }) name!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;

  static from(t: Pick<Team, 'id' | 'name' | 'slug'>): TeamSummaryDto {
    return { id: t.id, name: t.name, slug: t.slug };
  }
}

export class TeamWithRoleDto extends TeamSummaryDto {
  @ApiProperty({ enum: ROLES, example: 'owner' }) role!: Role;
}

export class SignedInDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: [TeamWithRoleDto], description: 'The teams the user belongs to, the default acting team first' }) teams!: TeamWithRoleDto[];
}

export class SetupStatusDto {
  @ApiProperty({ description: 'True while no user exists: the first owner has yet to be created' }) needed!: boolean;
}

export class SetupDoneDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: TeamSummaryDto }) team!: TeamSummaryDto;
}

export class MeDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: TeamSummaryDto, nullable: true, description: 'The acting team (X-DeploySphere-Team, else the first); null without any team' }) team!: TeamSummaryDto | null;
  @ApiProperty({ enum: [...ROLES, null], nullable: true, description: 'Your role in the acting team' }) role!: Role | null;
  @ApiProperty({ type: [TeamWithRoleDto] }) teams!: TeamWithRoleDto[];
}

export class SessionDto {
  @ApiProperty({ example: 'ses_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ description: 'The session this request came with' }) current!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0 (X11; Linux x86_64) …' }) userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) address!: string | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto], description: 'Active sessions, newest first' }) data!: SessionDto[];
}
