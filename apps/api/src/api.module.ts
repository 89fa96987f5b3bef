import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { HealthController } from '@deploysphere/bootstrap';
import { AccountsModule } from './accounts/accounts.module';
import { AliasesModule } from './aliases/aliases.module';
import { RequestAuthGuard } from './auth/request-auth.guard';
import { BootstrapAdminService } from './auth/bootstrap-admin.service';
import { SessionAuthenticator, TokenAuthenticator } from '@deploysphere/auth';
import { DeploymentRepositoryModule } from '@deploysphere/deployments';
import { DeploymentsModule } from './deployments/deployments.module';
import { DomainsModule } from './domains/domains.module';
import { EnvVarsModule } from './env-vars/env-vars.module';
import { GitModule } from './git/git.module';
import { InvitationsModule } from './invitations/invitations.module';
import { LogQueriesModule } from './logs/logs.module';
import { MembersModule } from './members/members.module';
import { ProjectsModule } from './projects/projects.module';
import { TeamsModule } from './teams/teams.module';
import { TokensModule } from './tokens/tokens.module';

/** The REST API's features. Infrastructure (config, database, messaging, CQRS) comes from CoreModule. */
@Module({
  imports: [DeploymentRepositoryModule, AccountsModule, MembersModule, InvitationsModule, TeamsModule, TokensModule, ProjectsModule, EnvVarsModule, DeploymentsModule, AliasesModule, DomainsModule, GitModule, LogQueriesModule],
  controllers: [HealthController],
  providers: [TokenAuthenticator, SessionAuthenticator, BootstrapAdminService, { provide: APP_GUARD, useClass: RequestAuthGuard }],
})
export class ApiModule {}
