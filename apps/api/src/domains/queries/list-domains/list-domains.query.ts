import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../http/pagination';
import type { DomainDto } from '../../domain.response.dto';

export class ListDomainsQuery extends Query<Page<DomainDto>> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
