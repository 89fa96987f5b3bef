import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireScope, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeploymentDto } from '../../deployment.response.dto';
import { RequestDeploymentCommand } from './request-deployment.command';
import { RequestDeploymentRequestDto } from './request-deployment.request.dto';

@ApiTags('deployments')
@Controller('v1/projects/:projectId/deployments')
export class RequestDeploymentHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @RequireScope('write')
  @ApiOperation({
    summary: 'Request a deployment',
    description: 'Stores the deployment QUEUED and hands it to the orchestrator; poll it or subscribe to its logs to follow it.',
    operationId: 'requestDeployment',
  })
  @ApiAcceptedResponse({ type: DeploymentDto })
  @ApiProblems(404, 409, 413, 415)
  request(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Body() body: RequestDeploymentRequestDto) {
    return this.commands.execute(
      new RequestDeploymentCommand(
        ctx.principal,
        projectId,
        body.target ?? 'PRODUCTION',
        { kind: 'GIT', gitRef: body.gitRef, commitSha: body.commitSha },
        ctx.correlationId,
      ),
    );
  }
}
