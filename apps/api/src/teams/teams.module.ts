import { Module } from '@nestjs/common';
import { CreateTeamHandler } from './commands/create-team/create-team.handler';
import { CreateTeamHttpController } from './commands/create-team/create-team.http.controller';
import { ListTeamsHandler } from './queries/list-teams/list-teams.handler';
import { ListTeamsHttpController } from './queries/list-teams/list-teams.http.controller';

@Module({
  controllers: [CreateTeamHttpController, ListTeamsHttpController],
  providers: [CreateTeamHandler, ListTeamsHandler],
})
export class TeamsModule {}
