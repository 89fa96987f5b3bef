import { Query } from '@nestjs/cqrs';
import type { ProjectGitDto } from '../../project-git.response.dto';

export class GetProjectGitQuery extends Query<ProjectGitDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
  ) {
    super();
  }
}
