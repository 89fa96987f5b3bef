import { Command } from '@nestjs/cqrs';
import type { ProjectDto } from '../../project.response.dto';
import type { UpdateProjectRequestDto } from './update-project.request.dto';

export class UpdateProjectCommand extends Command<ProjectDto> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly changes: UpdateProjectRequestDto,
    readonly correlationId: string,
  ) {
    super();
  }
}
