import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { UserDto } from '../../account.response.dto';
import { PasswordHasher } from '../../password-hasher';
import { SessionStarter } from '../../session-starter';
import { SignInThrottle } from '../../sign-in-throttle';
import { teamsOfUser } from '../../teams-of-user';
import { SignInCommand } from './sign-in.command';

/**
 * Email and password → a session. An unknown email costs the same hash and earns the same
 * answers (401, then 423 once locked) as a wrong password, so neither reveals who has an account.
 */
@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordHasher,
    private readonly throttle: SignInThrottle,
    private readonly sessions: SessionStarter,
  ) {}

  async execute({ email, password, client }: SignInCommand) {
    await this.throttle.check(email, client.address);
    const user = await this.prisma.user.findUnique({ where: { emailKey: email.trim().toLowerCase() } });
    const verdict = user ? await this.passwords.verify(password, user.passwordHash) : (await this.passwords.verifyNothing(password), undefined);
    if (!user || !verdict?.valid) {
      await this.throttle.fail(email, client.address);
      throw new DomainError('unauthorized', 'INVALID_CREDENTIALS', 'Wrong email or password');
    }
    await this.throttle.succeed(email);
    // The cost was raised since this hash was made: the password is at hand, so upgrade it now.
    const passwordHash = verdict.needsRehash ? await this.passwords.hash(password) : undefined;
    return this.prisma.$transaction(async (tx) => {
      if (passwordHash) await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
      const session = await this.sessions.start(tx, user.id, client);
      return { user: UserDto.from(user), teams: await teamsOfUser(tx, user.id), session };
    });
  }
}
