import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { scopesOfRole } from '@deploysphere/auth';
import { Ctx, RequireRole, RequireOperator, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { CreatedTokenDto } from '../../token.response.dto';
import { CreateTokenCommand } from './create-token.command';
import { CreateTeamTokenRequestDto, CreateTokenRequestDto } from './create-token.request.dto';

const DEFAULT_SCOPES = ['read', 'write'] as const;

@ApiTags('tokens')
@Controller('v1')
export class CreateTokenHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post('tokens')
  @HttpCode(201)
  @RequireRole('member')
  @ApiOperation({ summary: 'Create a token for your own team, with at most your own scopes', operationId: 'createToken' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  @ApiProblems()
  createOwn(@Ctx() ctx: RequestContext, @Body() body: CreateTokenRequestDto): Promise<CreatedTokenDto> {
    return this.create(ctx, ctx.principal.teamId, body);
  }

  @Post('team/tokens')
  @HttpCode(201)
  @RequireRole('owner')
  @ApiOperation({ summary: 'Create a token for your team with a role (owners; the secret is shown once)', operationId: 'createTeamRoleToken' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  @ApiProblems()
  createWithRole(@Ctx() ctx: RequestContext, @Body() body: CreateTeamTokenRequestDto): Promise<CreatedTokenDto> {
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
    return this.commands.execute(new CreateTokenCommand(ctx.principal, ctx.principal.teamId, body.name, scopesOfRole(body.role), expiresAt));
  }

  @Post('teams/:teamId/tokens')
  @HttpCode(201)
  @RequireOperator()
  @ApiOperation({ summary: "Create a token for any team (the installation's admin token)", operationId: 'createTeamToken' })
  @ApiCreatedResponse({ type: CreatedTokenDto })
  @ApiProblems(404)
  createForTeam(@Ctx() ctx: RequestContext, @IdParam('teamId', 'team') teamId: string, @Body() body: CreateTokenRequestDto) {
    return this.create(ctx, teamId, body);
  }

  private create(ctx: RequestContext, teamId: string, body: CreateTokenRequestDto) {
    const scopes = body.scopes ?? [...DEFAULT_SCOPES];
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
    return this.commands.execute(new CreateTokenCommand(ctx.principal, teamId, body.name, scopes, expiresAt));
  }
}
