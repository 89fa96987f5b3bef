import { Injectable } from '@nestjs/common';
import type { DeploymentStatusName } from '@deploysphere/contracts';
import { PrismaService } from '@deploysphere/database';

/** The deployments a team may watch: its own projects' deployments. */
@Injectable()
export class DeploymentAccess {
  constructor(private readonly prisma: PrismaService) {}

  /** The deployment's current status when `teamId` may see it, otherwise null. */
  async visibleStatus(teamId: string, deploymentId: string): Promise<DeploymentStatusName | null> {
    const d = await this.prisma.deployment.findFirst({ where: { id: deploymentId, project: { teamId } }, select: { status: true } });
    return d?.status ?? null;
  }
}
