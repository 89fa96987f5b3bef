import { Module } from '@nestjs/common';
import { SessionAuthenticator } from '@deploysphere/auth';
import { AccountsModule } from '../accounts/accounts.module';
import { AcceptInvitationHandler } from './commands/accept-invitation/accept-invitation.handler';
import { AcceptInvitationHttpController } from './commands/accept-invitation/accept-invitation.http.controller';
import { CreateInvitationHandler } from './commands/create-invitation/create-invitation.handler';
import { CreateInvitationHttpController } from './commands/create-invitation/create-invitation.http.controller';
import { DeleteInvitationHandler } from './commands/delete-invitation/delete-invitation.handler';
import { DeleteInvitationHttpController } from './commands/delete-invitation/delete-invitation.http.controller';
import { GetInvitationHttpController } from './queries/get-invitation/get-invitation.http.controller';
import { ListInvitationsHandler } from './queries/list-invitations/list-invitations.handler';
import { ListInvitationsHttpController } from './queries/list-invitations/list-invitations.http.controller';

/** Invitations by single-use, expiring link: created by owners, accepted by the invitee. */
@Module({
  imports: [AccountsModule],
  controllers: [CreateInvitationHttpController, ListInvitationsHttpController, DeleteInvitationHttpController, GetInvitationHttpController, AcceptInvitationHttpController],
  providers: [SessionAuthenticator, CreateInvitationHandler, ListInvitationsHandler, DeleteInvitationHandler, AcceptInvitationHandler],
})
export class InvitationsModule {}
