import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { analyticsQuery, buildAnalytics, LOG_STORE, type AnalyticsResult, type LogStore } from '@deploysphere/logs';
import { GetProjectAnalyticsQuery } from './get-project-analytics.query';

/** Traffic of a project per interval, from the access records the edge router sent. */
@QueryHandler(GetProjectAnalyticsQuery)
export class GetProjectAnalyticsHandler implements IQueryHandler<GetProjectAnalyticsQuery> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(LOG_STORE) private readonly store: LogStore,
  ) {}

  async execute({ teamId, projectId, from, to, interval }: GetProjectAnalyticsQuery): Promise<AnalyticsResult> {
    const query = analyticsQuery(projectId, from, to, interval);
    if (!(await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } }))) {
      throw new NotFoundError('project', projectId);
    }
    return buildAnalytics(query, interval, await this.store.accessAnalytics(query));
  }
}
