import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@deploysphere/bootstrap';
import { DomainError } from '@deploysphere/common';
import { TokenAuthenticator } from '@deploysphere/auth';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { SetupDoneDto } from '../../account.response.dto';
import { clientOf, setSessionCookies } from '../../session-cookies';
import { SetUpFirstOwnerCommand } from './set-up-first-owner.command';
import { SetUpFirstOwnerRequestDto } from './set-up-first-owner.request.dto';

@ApiTags('auth')
@Controller('v1/auth/setup')
export class SetUpFirstOwnerHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly tokens: TokenAuthenticator,
  ) {}

  @Post()
  @HttpCode(201)
  @Public()
  @ApiOperation({
    summary: 'Create the first owner and their team, and sign in',
    description:
      'Allowed only while no user exists (else 409 `SETUP_ALREADY_DONE`), with the admin token as bearer or the one-time ' +
      '`setupToken` printed at first start (else 401 `SETUP_TOKEN_INVALID`). Sets the session and CSRF cookies as sign-in does.',
    operationId: 'setUpFirstOwner',
  })
  @ApiCreatedResponse({ type: SetupDoneDto })
  @ApiProblems(409)
  async setUp(@Body() body: SetUpFirstOwnerRequestDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SetupDoneDto> {
    let authorization: SetUpFirstOwnerCommand['authorization'] = { setupToken: body.setupToken };
    if (req.headers.authorization !== undefined) {
      if (!(await this.tokens.authenticate(req.headers.authorization)).operator) {
        throw new DomainError('forbidden', 'INSUFFICIENT_SCOPE', "Only the installation's admin token may create the first owner");
      }
      authorization = { operator: true };
    }
    const { session, ...done } = await this.commands.execute(
      new SetUpFirstOwnerCommand(body.email, body.password, body.name, body.teamName, authorization, clientOf(req)),
    );
    setSessionCookies(req, res, session.secret, session.expiresAt);
    return done;
  }
}
