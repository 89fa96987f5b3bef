import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@deploysphere/database';
import type { AppInstance, AppRuntimeKind } from '../runtime';

/**
 * The app_instances table: what the orchestrator last saw of every instance (the api answers
 * `GET /v1/deployments/{id}/instances` from it). Only this class writes it.
 */
@Injectable()
export class AppInstanceRecords {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Makes the rows of `deploymentIds` exactly `instances` (rows of instances gone are deleted), in
   * one transaction. A deployment deleted meanwhile fails it (foreign key): the next pass retries without it.
   */
  async replace(runtime: AppRuntimeKind, deploymentIds: string[], instances: AppInstance[]): Promise<void> {
    if (deploymentIds.length === 0) return;
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.appInstance.deleteMany({ where: { deploymentId: { in: deploymentIds }, id: { notIn: instances.map((i) => i.id) } } }),
      ...(instances.length === 0
        ? []
        : [
            this.prisma.$executeRaw(Prisma.sql`
              INSERT INTO app_instances (id, deployment_id, project_id, runtime, address, state, restarts, started_at, updated_at)
              SELECT i.id, i.deployment_id, i.project_id, ${runtime}, i.address, i.state, i.restarts, i.started_at, ${now}
              FROM unnest(${instances.map((i) => i.id)}::text[], ${instances.map((i) => i.deploymentId)}::text[], ${instances.map((i) => i.projectId)}::text[],
                          ${instances.map((i) => i.address)}::text[], ${instances.map((i) => i.state)}::text[], ${instances.map((i) => i.restarts)}::int[],
                          ${instances.map((i) => i.startedAt)}::timestamptz[])
                AS i(id, deployment_id, project_id, address, state, restarts, started_at)
              ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, state = EXCLUDED.state, restarts = EXCLUDED.restarts,
                started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at`),
          ]),
    ]);
  }

  /** The deployment's instances were stopped for idleness: its rows stay, `asleep` and without an address (what the api shows). */
  async markAsleep(deploymentId: string): Promise<void> {
    await this.prisma.appInstance.updateMany({ where: { deploymentId }, data: { state: 'asleep', address: null, updatedAt: new Date() } });
  }

  /** The addresses last recorded per deployment (running instances), to notice when the runtime replaced one. */
  async addresses(deploymentIds: string[]): Promise<Map<string, string[]>> {
    const rows = await this.prisma.appInstance.findMany({ where: { deploymentId: { in: deploymentIds }, state: 'running', address: { not: null } }, select: { deploymentId: true, address: true } });
    const byDeployment = new Map<string, string[]>();
    for (const r of rows) byDeployment.set(r.deploymentId, [...(byDeployment.get(r.deploymentId) ?? []), r.address!].sort());
    return byDeployment;
  }
}
