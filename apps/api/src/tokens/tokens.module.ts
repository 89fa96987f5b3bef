import { Module } from '@nestjs/common';
import { CreateTokenHandler } from './commands/create-token/create-token.handler';
import { CreateTokenHttpController } from './commands/create-token/create-token.http.controller';
import { RevokeTokenHandler } from './commands/revoke-token/revoke-token.handler';
import { RevokeTokenHttpController } from './commands/revoke-token/revoke-token.http.controller';
import { ListTokensHandler } from './queries/list-tokens/list-tokens.handler';
import { ListTokensHttpController } from './queries/list-tokens/list-tokens.http.controller';

@Module({
  controllers: [CreateTokenHttpController, RevokeTokenHttpController, ListTokensHttpController],
  providers: [CreateTokenHandler, RevokeTokenHandler, ListTokensHandler],
})
export class TokensModule {}
