import { NotFoundError } from '@deploysphere/common';
import type { PrismaTx } from '@deploysphere/database';

/** A domain the caller cannot see: PROJECT_NOT_FOUND when the project itself is not theirs (or gone), else DOMAIN_NOT_FOUND. */
export async function domainNotFound(db: PrismaTx, teamId: string, projectId: string, domainId: string): Promise<NotFoundError> {
  const project = await db.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } });
  return project ? new NotFoundError('domain', domainId) : new NotFoundError('project', projectId);
}
