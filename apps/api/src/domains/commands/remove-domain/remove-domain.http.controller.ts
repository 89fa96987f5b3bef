import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { RemoveDomainCommand } from './remove-domain.command';

@ApiTags('domains')
@Controller('v1/projects')
export class RemoveDomainHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':projectId/domains/:domainId')
  @HttpCode(204)
  @RequireRole('member')
  @ApiOperation({
    summary: 'Remove a custom domain from a project',
    description: 'A verified domain stops being served within a second. The name is free to be added again (and must be verified again).',
    operationId: 'removeDomain',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(404)
  async remove(
    @Ctx() ctx: RequestContext,
    @IdParam('projectId', 'project') projectId: string,
    @IdParam('domainId', 'domain') domainId: string,
  ): Promise<void> {
    await this.commands.execute(new RemoveDomainCommand(ctx.principal.teamId, projectId, domainId, ctx.correlationId));
  }
}
