import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, generateToken, newId, NotFoundError, ValidationError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { hasScope } from '@deploysphere/auth';
import { CreatedTokenDto, TokenDto } from '../../token.response.dto';
import { CreateTokenCommand } from './create-token.command';

@CommandHandler(CreateTokenCommand)
export class CreateTokenHandler implements ICommandHandler<CreateTokenCommand> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ caller, teamId, name, scopes, expiresAt }: CreateTokenCommand): Promise<CreatedTokenDto> {
    if (teamId !== caller.teamId && !caller.operator) throw new NotFoundError('team', teamId);
    const escalating = scopes.filter((s) => !hasScope(caller, s));
    if (escalating.length > 0) {
      throw new DomainError('forbidden', 'INSUFFICIENT_SCOPE', `A token cannot grant scopes its creator lacks: ${escalating.join(', ')}`);
    }
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw new ValidationError([{ field: 'expiresAt', code: 'inThePast', message: 'expiresAt must be in the future' }]);
    }
    if (!(await this.prisma.team.findUnique({ where: { id: teamId } }))) throw new NotFoundError('team', teamId);
    const secret = generateToken();
    const row = await this.prisma.apiToken.create({
      data: { id: newId('tok'), teamId, name, scopes, expiresAt, tokenHash: secret.hash, prefix: secret.displayPrefix },
    });
    return { ...TokenDto.from(row), token: secret.token };
  }
}
