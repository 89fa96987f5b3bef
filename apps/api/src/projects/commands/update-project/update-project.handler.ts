import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { ProjectDto } from '../../project.response.dto';
import { UpdateProjectCommand } from './update-project.command';

@CommandHandler(UpdateProjectCommand)
export class UpdateProjectHandler implements ICommandHandler<UpdateProjectCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, projectId, changes }: UpdateProjectCommand): Promise<ProjectDto> {
    const { count } = await this.prisma.project.updateMany({ where: { id: projectId, teamId }, data: { ...changes } });
    if (count === 0) throw new NotFoundError('project', projectId);
    const project = await this.prisma.project.findUniqueOrThrow({ where: { id: projectId }, include: { alias: true } });
    return ProjectDto.from(project);
  }
}
