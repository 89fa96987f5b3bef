import { Injectable } from '@nestjs/common';
import { PrismaService, type Deployment } from '@deploysphere/database';
import { SiteUrls } from '../http/site-urls';
import { DeploymentDto } from './deployment.response.dto';

/** Deployment rows as the API shows them: with the preview URL of each READY one (its project's slug is part of the host). */
@Injectable()
export class DeploymentPresenter {
  constructor(
    private readonly prisma: PrismaService,
    private readonly urls: SiteUrls,
  ) {}

  async one(deployment: Deployment): Promise<DeploymentDto> {
    return (await this.many([deployment]))[0];
  }

  /** One query for the slugs of every project among the READY rows (a page is one project's). */
  async many(rows: Deployment[]): Promise<DeploymentDto[]> {
    const projectIds = [...new Set(rows.filter(served).map((d) => d.projectId))];
    const slugs = new Map<string, string>();
    if (projectIds.length > 0) {
      for (const p of await this.prisma.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, slug: true } })) slugs.set(p.id, p.slug);
    }
    return rows.map((d) => {
      const slug = served(d) ? slugs.get(d.projectId) : undefined;
      return DeploymentDto.from(d, slug === undefined ? null : this.urls.preview(d.id, slug));
    });
  }
}

/** The edge serves a deployment's preview host exactly while it is READY (its route table holds READY deployments only). */
const served = (d: Deployment): boolean => d.status === 'READY';
