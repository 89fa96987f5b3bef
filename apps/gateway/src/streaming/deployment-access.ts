import { Inject, Injectable } from '@nestjs/common';
import type { DeploymentStatusName } from '@deploysphere/contracts';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';

/** The deployments a team may watch: its own projects' deployments. */
@Injectable()
export class DeploymentAccess {
  constructor(@Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository) {}

  /** The deployment's current status when `teamId` may see it, otherwise null. */
  async visibleStatus(teamId: string, deploymentId: string): Promise<DeploymentStatusName | null> {
    return (await this.deployments.findVisible(teamId, deploymentId))?.status ?? null;
  }
}
