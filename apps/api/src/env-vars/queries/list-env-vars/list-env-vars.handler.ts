import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError, SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { EnvVarDto, envVarAad } from '../../env-var.response.dto';
import { ListEnvVarsQuery } from './list-env-vars.query';

/** Secrets are masked: their ciphertext is not even decrypted here. */
@QueryHandler(ListEnvVarsQuery)
export class ListEnvVarsHandler implements IQueryHandler<ListEnvVarsQuery> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async execute({ teamId, projectId }: ListEnvVarsQuery): Promise<EnvVarDto[]> {
    const project = await this.prisma.project.findFirst({
      where: { id: projectId, teamId },
      include: { envVars: { orderBy: [{ key: 'asc' }, { target: 'asc' }] } },
    });
    if (!project) throw new NotFoundError('project', projectId);
    return project.envVars.map((row) =>
      EnvVarDto.from(row, row.secret ? null : this.box.open(row.value, envVarAad(projectId, row.key, row.target))),
    );
  }
}
