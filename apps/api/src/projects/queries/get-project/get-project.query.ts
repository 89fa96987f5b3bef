import { Query } from '@nestjs/cqrs';
import type { ProjectDto } from '../../project.response.dto';

export class GetProjectQuery extends Query<ProjectDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
  ) {
    super();
  }
}
