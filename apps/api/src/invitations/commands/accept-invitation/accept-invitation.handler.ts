import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, DomainError, hashToken, newId, ValidationError } from '@deploysphere/common';
import { isUniqueViolation, PrismaService } from '@deploysphere/database';
import { UserDto } from '../../../accounts/account.response.dto';
import { PasswordHasher } from '../../../accounts/password-hasher';
import { SessionStarter } from '../../../accounts/session-starter';
import { SignInThrottle } from '../../../accounts/sign-in-throttle';
import { teamsOfUser } from '../../../accounts/teams-of-user';
import { invitationInvalid, liveInvitation } from '../../invitation-token';
import { AcceptInvitationCommand } from './accept-invitation.command';

/**
 * Joins the invited email's user to the team and signs them in. No account with that email: one
 * is created (name and password). An account exists: it proves itself with its session or its
 * password (throttled like sign-in). The link is spent in the same transaction that adds the
 * membership, so two tabs accepting at once join once.
 */
@CommandHandler(AcceptInvitationCommand)
export class AcceptInvitationHandler implements ICommandHandler<AcceptInvitationCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: SignInThrottle,
    private readonly sessions: SessionStarter,
  ) {}

  async execute(cmd: AcceptInvitationCommand) {
    const invitation = await liveInvitation(this.prisma, cmd.token);
    const emailKey = invitation.email.toLowerCase();
    const existing = await this.prisma.user.findUnique({ where: { emailKey } });
    if (existing && existing.id !== cmd.signedInUserId) {
      await this.throttle.check(invitation.email, cmd.client.address);
      if (!cmd.password || !(await this.passwords.verify(cmd.password, existing.passwordHash)).valid) {
        await this.throttle.fail(invitation.email, cmd.client.address);
        throw new DomainError('unauthorized', 'INVALID_CREDENTIALS', 'An account has this email: sign in to it first, or give its password');
      }
    }
    if (!existing && (!cmd.name || !cmd.password)) {
      const missing = [!cmd.name && 'name', !cmd.password && 'password'].filter((f): f is string => Boolean(f));
      throw new ValidationError(missing.map((field) => ({ field, code: 'isNotEmpty', message: `${field} is needed to create your account` })));
    }
    const passwordHash = existing ? undefined : await this.passwords.hash(cmd.password!);
    try {
      return await this.prisma.$transaction(async (tx) => {
        const spent = await tx.invitation.updateMany({
          where: { tokenHash: hashToken(cmd.token), acceptedAt: null, expiresAt: { gt: new Date() } },
          data: { acceptedAt: new Date() },
        });
        if (spent.count !== 1) throw invitationInvalid();
        const user =
          existing ??
          (await tx.user.create({ data: { id: newId('usr'), email: invitation.email, emailKey, name: cmd.name!.trim(), passwordHash: passwordHash! } }));
        // Already a member (joined meanwhile): the role they have stays.
        await tx.membership.upsert({
          where: { teamId_userId: { teamId: invitation.teamId, userId: user.id } },
          create: { teamId: invitation.teamId, userId: user.id, role: invitation.role },
          update: {},
        });
        const session = await this.sessions.start(tx, user.id, cmd.client);
        return { user: UserDto.from(user), teams: await teamsOfUser(tx, user.id), session };
      });
    } catch (err) {
      // Another acceptance created an account with this email meanwhile: accepting again joins it.
      if (isUniqueViolation(err)) throw new ConflictError('INVITATION_RACE', 'An account with this email was just created: try again');
      throw err;
    }
  }
}
