import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { generateToken } from '@deploysphere/common';
import { accountsConfig, type ConfigType } from '@deploysphere/config';
import { holdAdvisoryLock, PrismaService } from '@deploysphere/database';

/** Serializes the first owner's creation and the setup token's renewal across api instances. */
export const SETUP_LOCK = 'deploysphere:first-owner';

/**
 * While no user exists, each start prints a fresh one-time setup link (the token's hash replaces
 * the previous one, so the newest printed link is the valid one). Creating the first owner
 * spends it.
 */
@Injectable()
export class SetupTokenService implements OnApplicationBootstrap {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(accountsConfig.KEY) private readonly accounts: ConfigType<typeof accountsConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const token = await this.prisma.$transaction(async (tx) => {
      await holdAdvisoryLock(tx, SETUP_LOCK);
      if ((await tx.user.count()) > 0) return undefined;
      const secret = generateToken('dss');
      await tx.setupToken.upsert({ where: { id: 1 }, create: { id: 1, tokenHash: secret.hash }, update: { tokenHash: secret.hash, createdAt: new Date() } });
      return secret.token;
    });
    if (!token) return;
    // Printed to stdout, outside the JSON log stream, like the generated admin token. The token
    // rides in the fragment, which browsers never send to a server (so no access log holds it).
    process.stdout.write(
      `\n  DeploySphere has no user yet. Create the first owner (one-time link):\n\n` +
        `    ${this.accounts.publicUrl}/setup#token=${token}\n\n` +
        `  or POST /v1/auth/setup with "setupToken": "${token}" (or the admin token as bearer).\n\n`,
    );
  }
}
