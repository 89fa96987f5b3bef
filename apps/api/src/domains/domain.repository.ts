import { Injectable } from '@nestjs/common';
import type { PrismaTx } from '@deploysphere/database';

export interface LockedDomain {
  id: string;
  hostname: string;
  verifiedAt: Date | null;
}

/** The domain queries Prisma's model API cannot express. */
@Injectable()
export class DomainRepository {
  /**
   * The team's domain, locked for the rest of `tx` before it is read: a verify committing
   * meanwhile is waited for and seen. Undefined when the caller cannot see it.
   */
  async lockForChange(tx: PrismaTx, teamId: string, projectId: string, domainId: string): Promise<LockedDomain | undefined> {
    const [domain] = await tx.$queryRaw<LockedDomain[]>`
      SELECT d.id, d.hostname, d.verified_at AS "verifiedAt"
      FROM domains d JOIN projects p ON p.id = d.project_id
      WHERE d.id = ${domainId} AND d.project_id = ${projectId} AND p.team_id = ${teamId}
      FOR UPDATE OF d`;
    return domain;
  }
}
