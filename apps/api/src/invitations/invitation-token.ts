import { DomainError, hashToken } from '@deploysphere/common';
import type { Invitation, PrismaService, PrismaTx, Team } from '@deploysphere/database';

/** The one answer for a token that is unknown, used, expired or withdrawn: which of these it is stays private. */
export const invitationInvalid = () => new DomainError('not_found', 'INVITATION_INVALID', 'This invitation link is unknown, used or expired');

/** A token's invitation while it can still be accepted. */
export async function liveInvitation(db: PrismaService | PrismaTx, token: string): Promise<Invitation & { team: Team }> {
  const invitation = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { team: true } });
  if (!invitation || invitation.acceptedAt || invitation.expiresAt <= new Date()) throw invitationInvalid();
  return invitation;
}
