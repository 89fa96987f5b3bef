import { Command } from '@nestjs/cqrs';
import type { ProjectDto } from '../../project.response.dto';
import type { CreateProjectRequestDto } from './create-project.request.dto';

export class CreateProjectCommand extends Command<ProjectDto> {
  constructor(
    readonly teamId: string,
    readonly input: CreateProjectRequestDto,
    readonly correlationId: string,
  ) {
    super();
  }
}
