import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeploymentDto } from '../../deployment.response.dto';
import { CancelDeploymentCommand } from './cancel-deployment.command';

@ApiTags('deployments')
@Controller('v1/deployments')
export class CancelDeploymentHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':deploymentId/cancel')
  @HttpCode(200)
  @RequireRole('member')
  @ApiOperation({
    summary: 'Cancel a deployment',
    description: 'QUEUED → CANCELED at once; a running build is stopped by the orchestrator (cancelRequestedAt is set meanwhile).',
    operationId: 'cancelDeployment',
  })
  @ApiOkResponse({ type: DeploymentDto })
  @ApiProblems(404, 409)
  cancel(@Ctx() ctx: RequestContext, @IdParam('deploymentId', 'deployment') deploymentId: string) {
    return this.commands.execute(new CancelDeploymentCommand(ctx.principal.teamId, deploymentId, ctx.correlationId));
  }
}
