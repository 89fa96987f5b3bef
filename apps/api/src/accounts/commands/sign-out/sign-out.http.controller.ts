import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@deploysphere/bootstrap';
import { DomainError } from '@deploysphere/common';
import { readCookie, SESSION_COOKIE } from '@deploysphere/auth';
import { CSRF_HEADER, isValidCsrfToken } from '../../../auth/csrf';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { clearSessionCookies } from '../../session-cookies';
import { SignOutCommand } from './sign-out.command';

/** Public so that a browser whose session already ended can still clear its cookies. */
@ApiTags('auth')
@Controller('v1/auth/sign-out')
export class SignOutHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(204)
  @Public()
  @ApiOperation({
    summary: 'Sign out: end this session and clear its cookies',
    description: 'Needs `X-CSRF-Token` when a session cookie is sent (403 `CSRF_TOKEN_INVALID`). Without a session it only clears the cookies.',
    operationId: 'signOut',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems()
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const secret = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (secret) {
      const sent = req.headers[CSRF_HEADER];
      if (!isValidCsrfToken(secret, Array.isArray(sent) ? sent[0] : sent)) {
        throw new DomainError('forbidden', 'CSRF_TOKEN_INVALID', "A signed-in request that changes state must send the ds_csrf cookie's value in X-CSRF-Token");
      }
      await this.commands.execute(new SignOutCommand(secret));
    }
    clearSessionCookies(req, res);
  }
}
