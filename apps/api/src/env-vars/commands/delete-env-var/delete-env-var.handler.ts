import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { DeleteEnvVarCommand } from './delete-env-var.command';

@CommandHandler(DeleteEnvVarCommand)
export class DeleteEnvVarHandler implements ICommandHandler<DeleteEnvVarCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, projectId, key, target }: DeleteEnvVarCommand): Promise<void> {
    const { count } = await this.prisma.envVar.deleteMany({
      where: { projectId, key, ...(target ? { target } : {}), project: { teamId } },
    });
    if (count === 0) throw new NotFoundError('env var', key);
  }
}
