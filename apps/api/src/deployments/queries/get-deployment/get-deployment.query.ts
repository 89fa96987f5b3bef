import { Query } from '@nestjs/cqrs';
import type { DeploymentDto } from '../../deployment.response.dto';

export class GetDeploymentQuery extends Query<DeploymentDto> {
  constructor(
    readonly teamId: string,
    readonly deploymentId: string,
  ) {
    super();
  }
}
