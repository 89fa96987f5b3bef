import { Query } from '@nestjs/cqrs';
import type { SessionListDto } from '../../account.response.dto';

export class ListSessionsQuery extends Query<SessionListDto> {
  constructor(
    readonly userId: string,
    readonly currentSessionId: string,
  ) {
    super();
  }
}
