import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, generateToken, newId } from '@deploysphere/common';
import { accountsConfig, type ConfigType } from '@deploysphere/config';
import { PrismaService } from '@deploysphere/database';
import { InvitationDto, type CreatedInvitationDto } from '../../invitation.response.dto';
import { CreateInvitationCommand } from './create-invitation.command';

/** A single-use link, valid AUTH_INVITATION_TTL_HOURS; the token is shown once and stored hashed. */
@CommandHandler(CreateInvitationCommand)
export class CreateInvitationHandler implements ICommandHandler<CreateInvitationCommand> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(accountsConfig.KEY) private readonly accounts: ConfigType<typeof accountsConfig>,
  ) {}

  async execute({ teamId, email, role }: CreateInvitationCommand): Promise<CreatedInvitationDto> {
    const address = email.trim();
    const member = await this.prisma.membership.findFirst({ where: { teamId, user: { emailKey: address.toLowerCase() } } });
    if (member) throw new ConflictError('ALREADY_MEMBER', 'Someone with this email is a member of the team already');
    const secret = generateToken('dsi');
    const invitation = await this.prisma.invitation.create({
      data: { id: newId('inv'), teamId, email: address, role, tokenHash: secret.hash, expiresAt: new Date(Date.now() + this.accounts.invitationTtlMs) },
    });
    return { ...InvitationDto.from(invitation), url: `${this.accounts.publicUrl}/invite/${secret.token}` };
  }
}
