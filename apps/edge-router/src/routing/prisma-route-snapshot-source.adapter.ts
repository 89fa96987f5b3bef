import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@deploysphere/database';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import type { RouteSnapshotSource } from './route-snapshot-source.port';
import type { RouteSnapshot } from './route.types';

const PAGE = 5_000;

/**
 * Reads every project, its production alias, every READY deployment (with when the alias last
 * left it, for skew protection, and a server app's running instances) and every verified custom domain, in pages so a large platform does not need one giant result set. Serving settings
 * come from the project's columns.
 */
@Injectable()
export class PrismaRouteSnapshotSource implements RouteSnapshotSource {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
  ) {}

  async load(): Promise<RouteSnapshot> {
    const snapshot: RouteSnapshot = { projects: [], deployments: [], domains: [] };
    for (let cursor: string | undefined; ; ) {
      const page = await this.prisma.project.findMany({
        select: {
          id: true,
          slug: true,
          updatedAt: true,
          cleanUrls: true,
          spaFallback: true,
          custom404: true,
          hsts: true,
          alias: { select: { deploymentId: true, updatedAt: true } },
        },
        orderBy: { id: 'asc' },
        take: PAGE,
        ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      });
      for (const p of page) {
        snapshot.projects.push({
          id: p.id,
          slug: p.slug,
          updatedAt: p.updatedAt.getTime(),
          settings: { cleanUrls: p.cleanUrls, spaFallback: p.spaFallback, custom404: p.custom404, hsts: p.hsts },
          productionDeploymentId: p.alias?.deploymentId,
          aliasAt: p.alias?.updatedAt.getTime(),
        });
      }
      if (page.length < PAGE) break;
      cursor = page[page.length - 1].id;
    }
    for (let cursor: string | undefined; ; ) {
      const page = await this.deployments.servablePage(cursor, PAGE);
      for (const d of page) {
        snapshot.deployments.push({
          id: d.id,
          projectId: d.projectId,
          manifestKey: d.manifestKey ?? undefined,
          upstreams: d.upstreams ?? undefined,
          leftProductionAt: d.leftProductionAt?.getTime(),
        });
      }
      if (page.length < PAGE) break;
      cursor = page[page.length - 1].id;
    }
    // Only verified custom domains are served; an unverified one stays an unknown host.
    for (let cursor: string | undefined; ; ) {
      const page = await this.prisma.domain.findMany({
        where: { verifiedAt: { not: null } },
        select: { id: true, hostname: true, projectId: true, verifiedAt: true },
        orderBy: { id: 'asc' },
        take: PAGE,
        ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      });
      for (const d of page) snapshot.domains.push({ domain: d.hostname, projectId: d.projectId, verifiedAt: d.verifiedAt!.getTime() });
      if (page.length < PAGE) break;
      cursor = page[page.length - 1].id;
    }
    return snapshot;
  }
}
