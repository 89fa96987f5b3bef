import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@deploysphere/bootstrap';
import { readCookie, SESSION_COOKIE, SessionAuthenticator } from '@deploysphere/auth';
import { SignedInDto } from '../../../accounts/account.response.dto';
import { clientOf, setSessionCookies } from '../../../accounts/session-cookies';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { AcceptInvitationCommand } from './accept-invitation.command';
import { AcceptInvitationRequestDto } from './accept-invitation.request.dto';

@ApiTags('auth')
@Controller('v1/auth/invitations')
export class AcceptInvitationHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionAuthenticator,
  ) {}

  @Post(':token/accept')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Accept an invitation and sign in',
    description:
      'Creates the account (`name` and a new `password`) when none has the invited email; otherwise the existing account joins, proven ' +
      'by its session cookie or its `password` (401 `INVALID_CREDENTIALS`). Sets the session cookies as sign-in does. A link works once ' +
      '(404 `INVITATION_INVALID` after, or once expired or withdrawn).',
    operationId: 'acceptInvitation',
  })
  @ApiOkResponse({ type: SignedInDto })
  @ApiProblems(404, 409, 423, 429)
  async accept(@Param('token') token: string, @Body() body: AcceptInvitationRequestDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignedInDto> {
    const signedIn = await this.sessions.authenticate(readCookie(req.headers.cookie, SESSION_COOKIE)).then(
      (identity) => identity.userId,
      () => undefined,
    );
    const { session, ...done } = await this.commands.execute(new AcceptInvitationCommand(token, body.name, body.password, signedIn, clientOf(req)));
    setSessionCookies(req, res, session.secret, session.expiresAt);
    return done;
  }
}
