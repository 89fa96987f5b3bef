import { Query } from '@nestjs/cqrs';
import type { InvitationListDto } from '../../invitation.response.dto';

export class ListInvitationsQuery extends Query<InvitationListDto> {
  constructor(readonly teamId: string) {
    super();
  }
}
