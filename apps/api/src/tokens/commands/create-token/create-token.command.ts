import { Command } from '@nestjs/cqrs';
import type { Principal, Scope } from '@deploysphere/auth';
import type { CreatedTokenDto } from '../../token.response.dto';

export class CreateTokenCommand extends Command<CreatedTokenDto> {
  constructor(
    readonly caller: Principal,
    /** The team the token is for: the caller's own, or any team when the caller is the operator. */
    readonly teamId: string,
    readonly name: string,
    readonly scopes: Scope[],
    readonly expiresAt: Date | undefined,
  ) {
    super();
  }
}
