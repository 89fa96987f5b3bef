import { Inject, Injectable } from '@nestjs/common';
import { SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { openGitCredential, type GitCredential, type GitCredentialStore } from './git-credentials';

/** Reads the project's sealed credential from `projects.git_credential` and opens it with the platform key. */
@Injectable()
export class PrismaGitCredentialStore implements GitCredentialStore {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async credentialFor(projectId: string): Promise<GitCredential | undefined> {
    const project = await this.prisma.project.findUnique({ where: { id: projectId }, select: { gitCredential: true } });
    return project?.gitCredential ? openGitCredential(this.box, projectId, project.gitCredential) : undefined;
  }
}
