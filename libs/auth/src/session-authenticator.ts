import { Injectable } from '@nestjs/common';
import { DomainError, hashToken } from '@deploysphere/common';
import { Prisma, PrismaService } from '@deploysphere/database';
import type { Role } from './principal';
import { unauthorized } from './token-authenticator';

/** The browser cookie that carries a session's secret. */
export const SESSION_COOKIE = 'ds_session';
/** Only write `last_seen_at` once a minute per session, not on every request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface SessionIdentity {
  sessionId: string;
  userId: string;
  /** The team the request acts in with the user's role there; undefined when the user belongs to no team. */
  team?: { id: string; role: Role };
}

/** The value of one cookie in a `Cookie` header (RFC 6265: `name=value` pairs separated by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * Session secret (the `ds_session` cookie) → the signed-in user and the team they act in, for the
 * API's auth guard and the gateway's handshake. A user in several teams picks one by id
 * (`X-DeploySphere-Team`); the default is the team they joined first. Throws
 * DomainError('unauthorized') for a missing, unknown, revoked or expired session, and
 * 'not_found' for a team the user is not a member of.
 */
@Injectable()
export class SessionAuthenticator {
  constructor(private readonly prisma: PrismaService) {}

  async authenticate(secret: string | undefined, teamId?: string): Promise<SessionIdentity> {
    if (!secret) throw unauthorized('Missing session');
    const [session] = await this.prisma.query<{ id: string; userId: string; expiresAt: Date; lastSeenAt: Date; revokedAt: Date | null }>(
      Prisma.sql`SELECT id, user_id AS "userId", expires_at AS "expiresAt", last_seen_at AS "lastSeenAt", revoked_at AS "revokedAt"
                 FROM sessions WHERE token_hash = ${hashToken(secret)}`,
    );
    const now = new Date();
    if (!session || session.revokedAt || session.expiresAt <= now) throw unauthorized('Not signed in (the session is unknown, ended or expired)');
    if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
      await this.prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
    }
    const teams = await this.prisma.query<{ teamId: string; role: Role }>(
      Prisma.sql`SELECT team_id AS "teamId", role::text AS role FROM memberships WHERE user_id = ${session.userId}
                 ${teamId ? Prisma.sql`AND team_id = ${teamId}` : Prisma.empty} ORDER BY created_at, team_id LIMIT 1`,
    );
    if (teamId && teams.length === 0) throw new DomainError('not_found', 'TEAM_NOT_FOUND', `team ${teamId} was not found`);
    const team = teams[0];
    return { sessionId: session.id, userId: session.userId, team: team && { id: team.teamId, role: team.role } };
  }
}
