import { Command } from '@nestjs/cqrs';
import type { ProjectGitDto } from '../../project-git.response.dto';
import type { SetProjectGitRequestDto } from './set-project-git.request.dto';

export class SetProjectGitCommand extends Command<ProjectGitDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly changes: SetProjectGitRequestDto,
  ) {
    super();
  }
}
