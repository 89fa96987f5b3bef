import { Command } from '@nestjs/cqrs';
import type { Role } from '@deploysphere/auth';
import type { CreatedInvitationDto } from '../../invitation.response.dto';

export class CreateInvitationCommand extends Command<CreatedInvitationDto> {
  constructor(
    readonly teamId: string,
    readonly email: string,
    readonly role: Role,
  ) {
    super();
  }
}
