import { Query } from '@nestjs/cqrs';
import type { MeDto } from '../../account.response.dto';

export class GetMeQuery extends Query<MeDto> {
  constructor(
    readonly userId: string,
    /** The acting team ('' when the user has none). */
    readonly teamId: string,
  ) {
    super();
  }
}
