import { Command } from '@nestjs/cqrs';
import type { Role } from '@deploysphere/auth';
import type { MemberDto } from '../../member.response.dto';

export class ChangeMemberRoleCommand extends Command<MemberDto> {
  constructor(
    readonly teamId: string,
    readonly userId: string,
    readonly role: Role,
  ) {
    super();
  }
}
