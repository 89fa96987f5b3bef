import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { RevokeTokenCommand } from './revoke-token.command';

@ApiTags('tokens')
@Controller('v1')
export class RevokeTokenHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete('tokens/:tokenId')
  @HttpCode(204)
  @RequireRole('member')
  @ApiOperation({
    summary: 'Revoke one of your team\'s tokens',
    description:
      'A token may revoke itself: every later request with it is 401. Clients that explore the API (fuzzers, ' +
      'generated test suites) should revoke only tokens they created, never the one they authenticate with.',
    operationId: 'revokeToken',
  })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  @ApiProblems(404)
  async revoke(@Ctx() ctx: RequestContext, @IdParam('tokenId', 'token') tokenId: string): Promise<void> {
    await this.commands.execute(new RevokeTokenCommand(ctx.principal, tokenId));
  }

  @Delete('team/tokens/:tokenId')
  @HttpCode(204)
  @RequireRole('owner')
  @ApiOperation({ summary: "Revoke one of your team's tokens (owners)", operationId: 'revokeTeamToken' })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  @ApiProblems(404)
  async revokeAsOwner(@Ctx() ctx: RequestContext, @IdParam('tokenId', 'token') tokenId: string): Promise<void> {
    await this.commands.execute(new RevokeTokenCommand(ctx.principal, tokenId));
  }
}
