import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireOperator } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { PageQueryDto, PageResponse } from '../../../http/pagination';
import { TeamDto } from '../../team.response.dto';
import { ListTeamsQuery } from './list-teams.query';

const TeamPage = PageResponse(TeamDto, 'TeamPage');

@ApiTags('teams')
@Controller('v1/teams')
export class ListTeamsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireOperator()
  @ApiOperation({ summary: 'List teams (admin)', operationId: 'listTeams' })
  @ApiOkResponse({ type: TeamPage })
  @ApiProblems()
  list(@Query() page: PageQueryDto) {
    return this.queries.execute(new ListTeamsQuery(page.limit, page.cursor));
  }
}
