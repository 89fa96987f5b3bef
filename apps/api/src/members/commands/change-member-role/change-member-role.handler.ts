import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { MemberDto } from '../../member.response.dto';
import { keepAnOwner } from '../../owners-lock';
import { ChangeMemberRoleCommand } from './change-member-role.command';

@CommandHandler(ChangeMemberRoleCommand)
export class ChangeMemberRoleHandler implements ICommandHandler<ChangeMemberRoleCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, userId, role }: ChangeMemberRoleCommand): Promise<MemberDto> {
    return this.prisma.$transaction(async (tx) => {
      if (!(await tx.membership.findUnique({ where: { teamId_userId: { teamId, userId } } }))) throw new NotFoundError('member', userId);
      await keepAnOwner(tx, teamId, userId, role);
      return MemberDto.from(await tx.membership.update({ where: { teamId_userId: { teamId, userId } }, data: { role }, include: { user: true } }));
    });
  }
}
