import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { RevokeTokenCommand } from './revoke-token.command';

/** Revoking is idempotent: revoking a revoked token keeps its first revocation time. */
@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ caller, tokenId }: RevokeTokenCommand): Promise<void> {
    const { count } = await this.prisma.apiToken.updateMany({
      where: { id: tokenId, teamId: caller.teamId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0 && !(await this.prisma.apiToken.findFirst({ where: { id: tokenId, teamId: caller.teamId } }))) {
      throw new NotFoundError('token', tokenId);
    }
  }
}
