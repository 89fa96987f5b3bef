import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { hashToken } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { SignOutCommand } from './sign-out.command';

@CommandHandler(SignOutCommand)
export class SignOutHandler implements ICommandHandler<SignOutCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ sessionSecret }: SignOutCommand): Promise<void> {
    await this.prisma.session.updateMany({ where: { tokenHash: hashToken(sessionSecret), revokedAt: null }, data: { revokedAt: new Date() } });
  }
}
