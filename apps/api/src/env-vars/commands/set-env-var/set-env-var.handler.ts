import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { newId, NotFoundError, SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { EnvVarDto, envVarAad } from '../../env-var.response.dto';
import { SetEnvVarCommand } from './set-env-var.command';

/** Creates or replaces the variable for each target; every value is encrypted before it is stored. */
@CommandHandler(SetEnvVarCommand)
export class SetEnvVarHandler implements ICommandHandler<SetEnvVarCommand> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async execute({ teamId, projectId, key, value, targets, secret }: SetEnvVarCommand): Promise<EnvVarDto[]> {
    return this.prisma.$transaction(async (tx) => {
      if (!(await tx.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } }))) {
        throw new NotFoundError('project', projectId);
      }
      const rows = [];
      for (const target of targets) {
        const sealed = this.box.seal(value, envVarAad(projectId, key, target));
        rows.push(
          await tx.envVar.upsert({
            where: { projectId_key_target: { projectId, key, target } },
            create: { id: newId('env'), projectId, key, target, value: sealed, secret },
            update: { value: sealed, secret },
          }),
        );
      }
      return rows.map((row) => EnvVarDto.from(row, value));
    });
  }
}
