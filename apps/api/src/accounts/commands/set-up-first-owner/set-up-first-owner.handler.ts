import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, DomainError, hashToken, newId, safeEqual, slugify } from '@deploysphere/common';
import { holdAdvisoryLock, PrismaService, type PrismaTx } from '@deploysphere/database';
import { SETUP_LOCK } from '../../setup-token.service';
import { SetupDoneDto, TeamSummaryDto, UserDto } from '../../account.response.dto';
import { PasswordHasher } from '../../password-hasher';
import { SessionStarter } from '../../session-starter';
import { SetUpFirstOwnerCommand } from './set-up-first-owner.command';

/** Tries a suffix when the slug is taken, as project slugs do. */
const SLUG_ATTEMPTS = 20;

/**
 * The first owner: allowed only while no user exists (checked under a lock, so two browsers
 * racing make one owner), with the operator's token or the printed setup token, which is spent.
 */
@CommandHandler(SetUpFirstOwnerCommand)
export class SetUpFirstOwnerHandler implements ICommandHandler<SetUpFirstOwnerCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionStarter,
  ) {}

  async execute(cmd: SetUpFirstOwnerCommand) {
    const passwordHash = await this.passwords.hash(cmd.password);
    return this.prisma.$transaction(async (tx) => {
      await holdAdvisoryLock(tx, SETUP_LOCK);
      if ((await tx.user.count()) > 0) throw new ConflictError('SETUP_ALREADY_DONE', 'The first owner exists already: sign in, or ask an owner for an invitation');
      if ('setupToken' in cmd.authorization) await this.spendSetupToken(tx, cmd.authorization.setupToken);
      const team = await this.createTeam(tx, cmd.teamName);
      const user = await tx.user.create({
        data: { id: newId('usr'), email: cmd.email.trim(), emailKey: cmd.email.trim().toLowerCase(), name: cmd.name.trim(), passwordHash },
      });
      await tx.membership.create({ data: { teamId: team.id, userId: user.id, role: 'owner' } });
      const session = await this.sessions.start(tx, user.id, cmd.client);
      const done: SetupDoneDto = { user: UserDto.from(user), team: TeamSummaryDto.from(team) };
      return { ...done, session };
    });
  }

  private async spendSetupToken(tx: PrismaTx, given: string | undefined): Promise<void> {
    const stored = await tx.setupToken.findUnique({ where: { id: 1 } });
    if (!given || !stored || !safeEqual(hashToken(given), stored.tokenHash)) {
      throw new DomainError('unauthorized', 'SETUP_TOKEN_INVALID', 'Send the setup token printed at first start (setupToken), or the admin token as bearer');
    }
    await tx.setupToken.delete({ where: { id: 1 } });
  }

  private async createTeam(tx: PrismaTx, name: string) {
    const base = slugify(name);
    for (let attempt = 1; attempt <= SLUG_ATTEMPTS; attempt++) {
      const slug = attempt === 1 ? base : `${base.slice(0, 44)}-${attempt}`;
      if (!(await tx.team.findUnique({ where: { slug } }))) return tx.team.create({ data: { id: newId('team'), name: name.trim(), slug } });
    }
    throw new ConflictError('TEAM_SLUG_TAKEN', 'No free slug for this team name: choose another name');
  }
}
