import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hashToken, newId } from '@deploysphere/common';
import { accountsConfig, type ConfigType } from '@deploysphere/config';
import type { Prisma } from '@deploysphere/database';

export interface StartedSession {
  id: string;
  /** The cookie value: 256 random bits. Only its SHA-256 is stored. */
  secret: string;
  expiresAt: Date;
}

/** Opens a session for a user inside the caller's transaction (sign-in, first owner, accepted invitation). */
@Injectable()
export class SessionStarter {
  constructor(@Inject(accountsConfig.KEY) private readonly accounts: ConfigType<typeof accountsConfig>) {}

  async start(tx: Prisma.TransactionClient, userId: string, client: { userAgent?: string; address: string }): Promise<StartedSession> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.accounts.sessionTtlMs);
    const id = newId('ses');
    await tx.session.create({ data: { id, tokenHash: hashToken(secret), userId, userAgent: client.userAgent, address: client.address, expiresAt } });
    return { id, secret, expiresAt };
  }
}
