import { Module } from '@nestjs/common';
import { ChangeMemberRoleHandler } from './commands/change-member-role/change-member-role.handler';
import { ChangeMemberRoleHttpController } from './commands/change-member-role/change-member-role.http.controller';
import { RemoveMemberHandler } from './commands/remove-member/remove-member.handler';
import { RemoveMemberHttpController } from './commands/remove-member/remove-member.http.controller';
import { ListMembersHandler } from './queries/list-members/list-members.handler';
import { ListMembersHttpController } from './queries/list-members/list-members.http.controller';

/** A team's members and their roles. */
@Module({
  controllers: [ListMembersHttpController, ChangeMemberRoleHttpController, RemoveMemberHttpController],
  providers: [ListMembersHandler, ChangeMemberRoleHandler, RemoveMemberHandler],
})
export class MembersModule {}
