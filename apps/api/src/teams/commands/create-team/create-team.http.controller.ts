import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireOperator } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { TeamDto } from '../../team.response.dto';
import { CreateTeamCommand } from './create-team.command';
import { CreateTeamRequestDto } from './create-team.request.dto';

@ApiTags('teams')
@Controller('v1/teams')
export class CreateTeamHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireOperator()
  @ApiOperation({ summary: 'Create a team (admin)', operationId: 'createTeam' })
  @ApiCreatedResponse({ type: TeamDto })
  @ApiProblems(409)
  create(@Body() body: CreateTeamRequestDto): Promise<TeamDto> {
    return this.commands.execute(new CreateTeamCommand(body.name, body.slug));
  }
}
