import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { RemoveMemberCommand } from './remove-member.command';

@ApiTags('team')
@Controller('v1/team/members')
export class RemoveMemberHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':userId')
  @HttpCode(204)
  @RequireRole('owner')
  @ApiOperation({ summary: 'Remove a member from your team (not the last owner: 409 LAST_OWNER)', operationId: 'removeMember' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(404, 409)
  async remove(@Ctx() ctx: RequestContext, @IdParam('userId', 'member') userId: string): Promise<void> {
    await this.commands.execute(new RemoveMemberCommand(ctx.principal.teamId, userId));
  }
}
