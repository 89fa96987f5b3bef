import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../http/pagination';
import type { TeamDto } from '../../team.response.dto';

export class ListTeamsQuery extends Query<Page<TeamDto>> {
  constructor(
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
