import { Query } from '@nestjs/cqrs';
import type { DeploymentStatusName, DeploymentTargetName } from '@deploysphere/contracts';
import type { Page } from '../../../http/pagination';
import type { DeploymentDto } from '../../deployment.response.dto';

export class ListDeploymentsQuery extends Query<Page<DeploymentDto>> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
    readonly filter: { status?: DeploymentStatusName; target?: DeploymentTargetName },
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
