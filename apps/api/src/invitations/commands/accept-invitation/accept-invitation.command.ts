import { Command } from '@nestjs/cqrs';
import type { SignedInDto } from '../../../accounts/account.response.dto';
import type { StartedSession } from '../../../accounts/session-starter';

export class AcceptInvitationCommand extends Command<SignedInDto & { session: StartedSession }> {
  constructor(
    readonly token: string,
    readonly name: string | undefined,
    /** A new account's password, or the existing account's own. */
    readonly password: string | undefined,
    /** The user whose session cookie came with the request, if any. */
    readonly signedInUserId: string | undefined,
    readonly client: { userAgent?: string; address: string },
  ) {
    super();
  }
}
