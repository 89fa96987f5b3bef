import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@deploysphere/bootstrap';
import { PrismaService } from '@deploysphere/database';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { InvitationPreviewDto } from '../../invitation.response.dto';
import { liveInvitation } from '../../invitation-token';

/** Public: the link itself is the credential. One lookup, nothing to decide, so no query bus. */
@ApiTags('auth')
@Controller('v1/auth/invitations')
export class GetInvitationHttpController {
  constructor(private readonly prisma: PrismaService) {}

  @Get(':token')
  @Public()
  @ApiOperation({ summary: 'What an invitation link offers (404 INVITATION_INVALID when unknown, used or expired)', operationId: 'getInvitation' })
  @ApiOkResponse({ type: InvitationPreviewDto })
  @ApiProblems(404)
  async preview(@Param('token') token: string): Promise<InvitationPreviewDto> {
    const invitation = await liveInvitation(this.prisma, token);
    const existingUser = (await this.prisma.user.count({ where: { emailKey: invitation.email.toLowerCase() } })) > 0;
    return { teamName: invitation.team.name, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString(), existingUser };
  }
}
