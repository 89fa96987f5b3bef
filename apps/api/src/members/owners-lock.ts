import { holdAdvisoryLock, type PrismaTx } from '@deploysphere/database';
import { ConflictError } from '@deploysphere/common';

/**
 * Inside the caller's transaction: holds the team's owner set still (two owners demoting each
 * other at once must not leave none) and refuses a change that would leave the team without an owner.
 */
export async function keepAnOwner(tx: PrismaTx, teamId: string, userId: string, nextRole: string | undefined): Promise<void> {
  await holdAdvisoryLock(tx, `deploysphere:team-owners:${teamId}`);
  const owners = await tx.membership.findMany({ where: { teamId, role: 'owner' }, select: { userId: true } });
  const losing = owners.some((o) => o.userId === userId) && nextRole !== 'owner';
  if (losing && owners.length === 1) throw new ConflictError('LAST_OWNER', 'A team keeps at least one owner: make someone else owner first');
}
