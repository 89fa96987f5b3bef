import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { EnvVarListDto } from '../../env-var.response.dto';
import { ListEnvVarsQuery } from './list-env-vars.query';

@ApiTags('env')
@Controller('v1/projects/:projectId/env')
export class ListEnvVarsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List environment variables (secret values masked)', operationId: 'listEnvVars' })
  @ApiOkResponse({ type: EnvVarListDto })
  @ApiProblems(404)
  async list(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string): Promise<EnvVarListDto> {
    return { items: await this.queries.execute(new ListEnvVarsQuery(ctx.principal.teamId, projectId)) };
  }
}
