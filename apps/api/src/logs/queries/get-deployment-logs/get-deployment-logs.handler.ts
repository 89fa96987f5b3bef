import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { BuildLogReader, decodeSeqCursor, encodeSeqCursor } from '@deploysphere/logs';
import type { Page } from '../../../http/pagination';
import type { LogLineDto } from './deployment-logs.response.dto';
import { GetDeploymentLogsQuery } from './get-deployment-logs.query';

/**
 * A deployment's build log, ascending by seq, keyset-paginated on seq: from the log store, read
 * through the live buffer, so it is complete as soon as the deployment's status is final.
 */
@QueryHandler(GetDeploymentLogsQuery)
export class GetDeploymentLogsHandler implements IQueryHandler<GetDeploymentLogsQuery> {
  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly logs: BuildLogReader,
  ) {}

  async execute({ teamId, deploymentId, filter, limit, cursor }: GetDeploymentLogsQuery): Promise<Page<LogLineDto>> {
    const afterCursor = cursor ? decodeSeqCursor(cursor) : 0;
    if (!(await this.deployments.findVisible(teamId, deploymentId))) {
      throw new NotFoundError('deployment', deploymentId);
    }
    const rows = await this.logs.search({
      deploymentId,
      afterSeq: Math.max(afterCursor, (filter.fromSeq ?? 1) - 1),
      limit: limit + 1,
      stream: filter.stream,
      fromMs: filter.from?.getTime(),
      toMs: filter.to?.getTime(),
      contains: filter.q,
    });
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    return { items, nextCursor: more ? encodeSeqCursor(items[items.length - 1].seq) : null };
  }
}
