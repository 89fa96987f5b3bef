import { Command } from '@nestjs/cqrs';
import type { SetupDoneDto } from '../../account.response.dto';
import type { StartedSession } from '../../session-starter';

export class SetUpFirstOwnerCommand extends Command<SetupDoneDto & { session: StartedSession }> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly name: string,
    readonly teamName: string,
    /** Either the operator's admin token authenticated the request, or this must be the printed setup token. */
    readonly authorization: { operator: true } | { setupToken: string | undefined },
    readonly client: { userAgent?: string; address: string },
  ) {
    super();
  }
}
