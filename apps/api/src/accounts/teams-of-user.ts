import type { PrismaService, PrismaTx } from '@deploysphere/database';
import type { TeamWithRoleDto } from './account.response.dto';

/** A user's teams with their role in each, in the order the default acting team is chosen (first joined first). */
export async function teamsOfUser(db: PrismaService | PrismaTx, userId: string): Promise<TeamWithRoleDto[]> {
  const rows = await db.membership.findMany({ where: { userId }, include: { team: true }, orderBy: [{ createdAt: 'asc' }, { teamId: 'asc' }] });
  return rows.map((m) => ({ id: m.team.id, name: m.team.name, slug: m.team.slug, role: m.role }));
}
