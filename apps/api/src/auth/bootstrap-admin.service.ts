import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { generateToken, hashToken, newId } from '@deploysphere/common';
import { authConfig, type ConfigType } from '@deploysphere/config';
import { holdAdvisoryLock, PrismaService } from '@deploysphere/database';
import { ADMIN_TEAM_SLUG } from '@deploysphere/auth';

/**
 * First start: with an empty database, create the admin team and its admin token — taken from
 * DEPLOYSPHERE_ADMIN_TOKEN, or generated and printed once. A configured token is also
 * (re)registered on later starts, so an operator can always get back in with it.
 * An advisory lock keeps several API instances starting together from racing.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);

  constructor(
    private readonly prisma: PrismaService,
    @Inject(authConfig.KEY) private readonly security: ConfigType<typeof authConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const printed = await this.prisma.$transaction(async (tx) => {
      await holdAdvisoryLock(tx, 'deploysphere:bootstrap-admin');
      const configured = this.security.adminToken;
      const empty = (await tx.apiToken.count()) === 0;
      if (!empty && (!configured || (await tx.apiToken.findUnique({ where: { tokenHash: hashToken(configured) } })))) {
        return undefined;
      }
      const team =
        (await tx.team.findUnique({ where: { slug: ADMIN_TEAM_SLUG } })) ??
        (await tx.team.create({ data: { id: newId('team'), name: 'Admin', slug: ADMIN_TEAM_SLUG } }));
      const generated = generateToken();
      const token = configured ?? generated.token;
      await tx.apiToken.create({
        data: {
          id: newId('tok'),
          teamId: team.id,
          name: 'admin',
          tokenHash: hashToken(token),
          prefix: token.slice(0, 8),
          scopes: ['admin'],
        },
      });
      return configured ? undefined : token;
    });
    if (printed) {
      // Printed once, to stdout, outside the JSON log stream so it is easy to copy.
      process.stdout.write(
        `\n  DeploySphere admin token (shown once, store it now):\n\n    ${printed}\n\n` +
          `  Use it as: Authorization: Bearer <token>\n\n`,
      );
    } else if (this.security.adminToken) {
      this.logger.log('admin token from DEPLOYSPHERE_ADMIN_TOKEN is registered');
    }
  }
}
