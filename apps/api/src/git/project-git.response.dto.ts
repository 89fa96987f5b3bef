import { ApiProperty } from '@nestjs/swagger';
import type { Project } from '@deploysphere/database';

/** A project's git settings. Secrets are write-only: only whether each one is set is shown. */
export class ProjectGitDto {
  @ApiProperty() projectId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'https://git.example.com/acme/site.git' }) repositoryUrl!: string | null;
  @ApiProperty({ example: 'main', description: 'Pushes to this branch deploy to production; other branches deploy previews' }) productionBranch!: string;
  @ApiProperty({ description: 'An HTTPS credential is stored for the repository' }) hasCredential!: boolean;
  @ApiProperty({ description: 'A webhook secret is set (the webhook refuses every delivery until one is)' }) hasWebhookSecret!: boolean;
  @ApiProperty({ example: '/v1/webhooks/git/prj_01jd8x3k9m2f4q7r8s9t0v1w2x', description: 'Path of the push webhook on this API (configure it with content type application/json)' })
  webhookPath!: string;

  static from(p: Pick<Project, 'id' | 'gitRepositoryUrl' | 'productionBranch' | 'gitCredential' | 'gitWebhookSecret'>): ProjectGitDto {
    return {
      projectId: p.id,
      repositoryUrl: p.gitRepositoryUrl,
      productionBranch: p.productionBranch,
      hasCredential: p.gitCredential !== null,
      hasWebhookSecret: p.gitWebhookSecret !== null,
      webhookPath: `/v1/webhooks/git/${p.id}`,
    };
  }
}

export const PROJECT_GIT_FIELDS = { id: true, gitRepositoryUrl: true, productionBranch: true, gitCredential: true, gitWebhookSecret: true } as const;
