import { Query } from '@nestjs/cqrs';
import type { AppInstanceListDto } from './app-instance.response.dto';

export class ListInstancesQuery extends Query<AppInstanceListDto> {
  constructor(
    readonly teamId: string,
    readonly deploymentId: string,
  ) {
    super();
  }
}
