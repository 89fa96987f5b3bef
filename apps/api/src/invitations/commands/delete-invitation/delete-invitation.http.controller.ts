import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeleteInvitationCommand } from './delete-invitation.command';

@ApiTags('team')
@Controller('v1/team/invitations')
export class DeleteInvitationHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':invitationId')
  @HttpCode(204)
  @RequireRole('owner')
  @ApiOperation({ summary: 'Withdraw an invitation (its link stops working)', operationId: 'deleteInvitation' })
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiProblems(404)
  async remove(@Ctx() ctx: RequestContext, @IdParam('invitationId', 'invitation') invitationId: string): Promise<void> {
    await this.commands.execute(new DeleteInvitationCommand(ctx.principal.teamId, invitationId));
  }
}
