import { Controller, Delete, HttpCode, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequireSignedIn, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { clearSessionCookies } from '../../session-cookies';
import { RevokeSessionCommand } from './revoke-session.command';

@ApiTags('auth')
@Controller('v1/auth/sessions')
export class RevokeSessionHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':sessionId')
  @HttpCode(204)
  @RequireSignedIn()
  @ApiOperation({ summary: 'End one of your sessions (signs that browser out; the current one clears its cookies too)', operationId: 'revokeSession' })
  @ApiNoContentResponse({ description: 'Ended (also when it already was)' })
  @ApiProblems(404)
  async revoke(@Ctx() ctx: RequestContext, @IdParam('sessionId', 'session') sessionId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.commands.execute(new RevokeSessionCommand(ctx.principal.userId!, sessionId));
    if (sessionId === ctx.principal.sessionId) clearSessionCookies(req, res);
  }
}
