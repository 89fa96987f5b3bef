import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { CreatedInvitationDto } from '../../invitation.response.dto';
import { CreateInvitationCommand } from './create-invitation.command';
import { CreateInvitationRequestDto } from './create-invitation.request.dto';

@ApiTags('team')
@Controller('v1/team/invitations')
export class CreateInvitationHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireRole('owner')
  @ApiOperation({
    summary: 'Invite someone to your team with a role',
    description: 'Answers the single-use link (`url`, shown only here) to send them; it expires after AUTH_INVITATION_TTL_HOURS (7 days by default).',
    operationId: 'createInvitation',
  })
  @ApiCreatedResponse({ type: CreatedInvitationDto })
  @ApiProblems(409)
  create(@Ctx() ctx: RequestContext, @Body() body: CreateInvitationRequestDto): Promise<CreatedInvitationDto> {
    return this.commands.execute(new CreateInvitationCommand(ctx.principal.teamId, body.email, body.role));
  }
}
