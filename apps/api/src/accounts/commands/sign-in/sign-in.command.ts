import { Command } from '@nestjs/cqrs';
import type { SignedInDto } from '../../account.response.dto';
import type { StartedSession } from '../../session-starter';

export class SignInCommand extends Command<SignedInDto & { session: StartedSession }> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly client: { userAgent?: string; address: string },
  ) {
    super();
  }
}
