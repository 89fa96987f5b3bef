import { Module } from '@nestjs/common';
import { TokenAuthenticator } from '@deploysphere/auth';
import { RevokeSessionHandler } from './commands/revoke-session/revoke-session.handler';
import { RevokeSessionHttpController } from './commands/revoke-session/revoke-session.http.controller';
import { SetUpFirstOwnerHandler } from './commands/set-up-first-owner/set-up-first-owner.handler';
import { SetUpFirstOwnerHttpController } from './commands/set-up-first-owner/set-up-first-owner.http.controller';
import { SignInHandler } from './commands/sign-in/sign-in.handler';
import { SignInHttpController } from './commands/sign-in/sign-in.http.controller';
import { SignOutHandler } from './commands/sign-out/sign-out.handler';
import { SignOutHttpController } from './commands/sign-out/sign-out.http.controller';
import { PasswordHasher } from './password-hasher';
import { GetMeHandler } from './queries/get-me/get-me.handler';
import { GetMeHttpController } from './queries/get-me/get-me.http.controller';
import { GetSetupStatusHttpController } from './queries/get-setup-status/get-setup-status.http.controller';
import { ListSessionsHandler } from './queries/list-sessions/list-sessions.handler';
import { ListSessionsHttpController } from './queries/list-sessions/list-sessions.http.controller';
import { SessionStarter } from './session-starter';
import { SetupTokenService } from './setup-token.service';
import { SignInThrottle } from './sign-in-throttle';
import { SignInThrottleRepository } from './sign-in-throttle.repository';

/** Users, sign-in, sessions and the first owner (docs/accounts.md). */
@Module({
  controllers: [
    GetSetupStatusHttpController,
    SetUpFirstOwnerHttpController,
    SignInHttpController,
    SignOutHttpController,
    GetMeHttpController,
    ListSessionsHttpController,
    RevokeSessionHttpController,
  ],
  providers: [
    TokenAuthenticator,
    PasswordHasher,
    SignInThrottle,
    SignInThrottleRepository,
    SessionStarter,
    SetupTokenService,
    SetUpFirstOwnerHandler,
    SignInHandler,
    SignOutHandler,
    GetMeHandler,
    ListSessionsHandler,
    RevokeSessionHandler,
  ],
  exports: [PasswordHasher, SessionStarter, SignInThrottle],
})
export class AccountsModule {}
