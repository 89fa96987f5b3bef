import { Prisma } from '@deploysphere/database';
import { outboxInsert, type OutboxRows } from '@deploysphere/messaging';

export interface AliasMoveSpec {
  projectId: string;
  deploymentId: string;
  at: Date;
  /** The alias moves only when this holds (e.g. `EXISTS (SELECT 1 FROM moved)`: the deployment just became READY). */
  gate: Prisma.Sql;
  /**
   * A build going live (the orchestrator): not over a newer deployment, and a concurrent first
   * move wins. Otherwise (promote, rollback): whatever is live is replaced.
   */
  newerOnly?: { createdAt: Date };
  /** The AliasMoved.v1 row, written only when the alias moved, with the replaced deployment filled in. */
  event: OutboxRows;
}

/**
 * The one alias mover, as CTEs of a larger statement (`WITH …, ${aliasMoveCtes(spec)} SELECT …`):
 * `live` (the alias row, locked: a concurrent move waits for this one, or this for it), `alias`
 * (one row, `previous`, when the alias moved), the replaced deployment's `left_production_at`
 * (the edge's skew protection counts from it) and the event's insert.
 *
 * The live deployment's created_at is read by a subquery of the locked row, not a join: when
 * another move changed the alias while this waited for the lock, the locked row is re-read at its
 * new version, but a joined row would be the old one. A live deployment this statement cannot see
 * (created after it began) counts as newer.
 */
export function aliasMoveCtes(spec: AliasMoveSpec): Prisma.Sql {
  const { projectId, deploymentId, at, gate } = spec;
  const newer = spec.newerOnly ? Prisma.sql`AND coalesce(l.created_at <= ${spec.newerOnly.createdAt}::timestamptz, false)` : Prisma.empty;
  const conflict = spec.newerOnly
    ? Prisma.sql`DO NOTHING`
    : Prisma.sql`DO UPDATE SET deployment_id = EXCLUDED.deployment_id, updated_at = EXCLUDED.updated_at`;
  return Prisma.sql`
    live AS (
      SELECT a.project_id, a.deployment_id, (SELECT d.created_at FROM deployments d WHERE d.id = a.deployment_id) AS created_at
      FROM project_aliases a WHERE a.project_id = ${projectId} AND ${gate}
      FOR UPDATE OF a
    ), alias_updated AS (
      UPDATE project_aliases a SET deployment_id = ${deploymentId}, updated_at = ${at}
      FROM live l
      WHERE a.project_id = l.project_id AND l.deployment_id <> ${deploymentId} ${newer}
      RETURNING l.deployment_id AS previous
    ), alias_inserted AS (
      INSERT INTO project_aliases (project_id, deployment_id, updated_at)
      SELECT ${projectId}, ${deploymentId}, ${at}::timestamptz WHERE ${gate} AND NOT EXISTS (SELECT 1 FROM live)
      ON CONFLICT (project_id) ${conflict}
      RETURNING NULL::text AS previous
    ), alias AS (
      SELECT previous FROM alias_updated UNION ALL SELECT previous FROM alias_inserted
    ), alias_left AS (
      UPDATE deployments SET left_production_at = ${at} WHERE id IN (SELECT previous FROM alias)
    ), alias_event AS (
      ${outboxInsert(spec.event, {
        per: Prisma.sql`alias al`,
        payload: (p) => Prisma.sql`CASE WHEN al.previous IS NULL THEN ${p} ELSE jsonb_set(${p}, '{payload,previousDeploymentId}', to_jsonb(al.previous)) END`,
      })}
    )`;
}
