import { Query } from '@nestjs/cqrs';
import type { Page } from '../../../http/pagination';
import type { ProjectDto } from '../../project.response.dto';

export class ListProjectsQuery extends Query<Page<ProjectDto>> {
  constructor(
    readonly teamId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
