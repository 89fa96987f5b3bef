import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../http/pagination';
import type { TokenDto } from '../../token.response.dto';

export class ListTokensQuery extends Query<Page<TokenDto>> {
  constructor(
    readonly teamId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
