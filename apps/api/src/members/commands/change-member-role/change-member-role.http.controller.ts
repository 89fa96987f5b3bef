import { Body, Controller, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { MemberDto } from '../../member.response.dto';
import { ChangeMemberRoleCommand } from './change-member-role.command';
import { ChangeMemberRoleRequestDto } from './change-member-role.request.dto';

@ApiTags('team')
@Controller('v1/team/members')
export class ChangeMemberRoleHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':userId')
  @RequireRole('owner')
  @ApiOperation({ summary: "Change a member's role (the last owner cannot be demoted: 409 LAST_OWNER)", operationId: 'changeMemberRole' })
  @ApiOkResponse({ type: MemberDto })
  @ApiProblems(404, 409)
  change(@Ctx() ctx: RequestContext, @IdParam('userId', 'member') userId: string, @Body() body: ChangeMemberRoleRequestDto): Promise<MemberDto> {
    return this.commands.execute(new ChangeMemberRoleCommand(ctx.principal.teamId, userId, body.role));
  }
}
