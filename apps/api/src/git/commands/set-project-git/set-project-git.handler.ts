import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError, SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { PrismaService, type Prisma } from '@deploysphere/database';
import { DEFAULT_GIT_USERNAME, sealGitCredential } from '@deploysphere/source';
import { PROJECT_GIT_FIELDS, ProjectGitDto } from '../../project-git.response.dto';
import { webhookSecretAad } from '../../webhook-signature';
import { SetProjectGitCommand } from './set-project-git.command';

/** Updates the git settings; the credential and the webhook secret are sealed before they are stored. */
@CommandHandler(SetProjectGitCommand)
export class SetProjectGitHandler implements ICommandHandler<SetProjectGitCommand> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async execute({ teamId, projectId, changes }: SetProjectGitCommand): Promise<ProjectGitDto> {
    const data: Prisma.ProjectUpdateManyMutationInput = {};
    if (changes.repositoryUrl !== undefined) data.gitRepositoryUrl = changes.repositoryUrl;
    if (changes.productionBranch !== undefined) data.productionBranch = changes.productionBranch;
    if (changes.credential !== undefined) {
      data.gitCredential = changes.credential && sealGitCredential(this.box, projectId, { username: changes.credential.username ?? DEFAULT_GIT_USERNAME, token: changes.credential.token });
    }
    if (changes.webhookSecret !== undefined) {
      data.gitWebhookSecret = changes.webhookSecret && this.box.seal(changes.webhookSecret, webhookSecretAad(projectId));
    }
    const { count } = await this.prisma.project.updateMany({ where: { id: projectId, teamId }, data });
    if (count === 0) throw new NotFoundError('project', projectId);
    return ProjectGitDto.from(await this.prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: PROJECT_GIT_FIELDS }));
  }
}
