import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { PROJECT_GIT_FIELDS, ProjectGitDto } from '../../project-git.response.dto';
import { GetProjectGitQuery } from './get-project-git.query';

@QueryHandler(GetProjectGitQuery)
export class GetProjectGitHandler implements IQueryHandler<GetProjectGitQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, projectId }: GetProjectGitQuery): Promise<ProjectGitDto> {
    const project = await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: PROJECT_GIT_FIELDS });
    if (!project) throw new NotFoundError('project', projectId);
    return ProjectGitDto.from(project);
  }
}
