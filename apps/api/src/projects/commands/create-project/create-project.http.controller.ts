import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { ProjectDto } from '../../project.response.dto';
import { CreateProjectCommand } from './create-project.command';
import { CreateProjectRequestDto } from './create-project.request.dto';

@ApiTags('projects')
@Controller('v1/projects')
export class CreateProjectHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireRole('member')
  @ApiOperation({ summary: 'Create a project', operationId: 'createProject' })
  @ApiCreatedResponse({ type: ProjectDto })
  @ApiProblems(409, 413)
  create(@Ctx() ctx: RequestContext, @Body() body: CreateProjectRequestDto): Promise<ProjectDto> {
    return this.commands.execute(new CreateProjectCommand(ctx.principal.teamId, body, ctx.correlationId));
  }
}
