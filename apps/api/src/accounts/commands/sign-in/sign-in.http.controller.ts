import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@deploysphere/bootstrap';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { SignedInDto } from '../../account.response.dto';
import { clientOf, setSessionCookies } from '../../session-cookies';
import { SignInCommand } from './sign-in.command';
import { SignInRequestDto } from './sign-in.request.dto';

@ApiTags('auth')
@Controller('v1/auth/sign-in')
export class SignInHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Sets `ds_session` (HttpOnly) and `ds_csrf` (readable) cookies, SameSite=Lax, Path=/, Secure when the request came over TLS ' +
      '(or `X-Forwarded-Proto: https`). A state-changing request authenticated by the cookie must repeat `ds_csrf` in `X-CSRF-Token`. ' +
      'Wrong email or password: 401 `INVALID_CREDENTIALS`. Too many failures for one email: 423 `ACCOUNT_LOCKED` (the same for an ' +
      'email without an account); from one address: 429 `SIGN_IN_RATE_LIMITED`; both with `Retry-After`.',
    operationId: 'signIn',
  })
  @ApiOkResponse({ type: SignedInDto })
  @ApiProblems(423, 429)
  async signIn(@Body() body: SignInRequestDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SignedInDto> {
    const { session, ...signedIn } = await this.commands.execute(new SignInCommand(body.email, body.password, clientOf(req)));
    setSessionCookies(req, res, session.secret, session.expiresAt);
    return signedIn;
  }
}
