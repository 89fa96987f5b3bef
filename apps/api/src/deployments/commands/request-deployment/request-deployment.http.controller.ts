import { Body, Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError, ValidationError } from '@deploysphere/common';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeploymentDto } from '../../deployment.response.dto';
import { UploadDeploymentCommand } from '../upload-deployment/upload-deployment.command';
import { RequestDeploymentCommand } from './request-deployment.command';
import { RequestDeploymentQueryDto, RequestDeploymentRequestDto } from './request-deployment.request.dto';

const ARCHIVE_TYPES = ['application/gzip', 'application/x-gzip'];

const mediaType = (req: Request) => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

/**
 * One operation, two request bodies told apart by Content-Type: JSON names a git ref (the
 * RequestDeployment use case), a gzipped tar is the source itself (UploadDeployment).
 */
@ApiTags('deployments')
@ApiExtraModels(RequestDeploymentRequestDto)
@Controller('v1/projects/:projectId/deployments')
export class RequestDeploymentHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @RequireRole('member')
  @ApiOperation({
    summary: 'Request a deployment (from git, or by uploading the source)',
    description:
      'Stores the deployment QUEUED and hands it to the orchestrator; poll it or subscribe to its logs to follow it.\n\n' +
      '- `application/json`: deploy the project\'s git repository at `gitRef` (default: its production branch) or `commitSha`.\n' +
      '- `application/gzip`: the body is a gzipped tar of the source directory (e.g. `tar -czf - -C site .`), streamed; ' +
      'the target comes from `?target=`. The archive is checked before anything is stored: absolute paths, `..`, links ' +
      'leading outside the tree, device files, corrupt data and archive bombs are refused with a 400 or 413 whose `code` ' +
      'starts with `ARCHIVE_` (docs/source-intake.md lists them).',
    operationId: 'requestDeployment',
  })
  @ApiConsumes('application/json', 'application/gzip')
  @ApiBody({
    required: false,
    description: 'JSON: which git ref to deploy. application/gzip: the source archive (binary).',
    schema: { $ref: getSchemaPath(RequestDeploymentRequestDto) },
  })
  @ApiAcceptedResponse({ type: DeploymentDto })
  @ApiProblems(400, 404, 408, 409, 413, 415)
  request(
    @Ctx() ctx: RequestContext,
    @IdParam('projectId', 'project') projectId: string,
    @Query() query: RequestDeploymentQueryDto,
    @Body() body: RequestDeploymentRequestDto,
    @Req() req: Request,
  ) {
    if (ARCHIVE_TYPES.includes(mediaType(req))) {
      const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity') {
        throw new DomainError('unsupported_media_type', 'UNSUPPORTED_CONTENT_ENCODING', 'Send the archive as the body itself, without a Content-Encoding');
      }
      const length = Number(req.headers['content-length']);
      return this.commands.execute(
        new UploadDeploymentCommand(ctx.principal, projectId, query.target ?? 'PRODUCTION', req, Number.isFinite(length) ? length : undefined, ctx.correlationId),
      );
    }
    if (query.target && body.target && query.target !== body.target) {
      throw new ValidationError([{ field: 'target', code: 'conflict', message: 'target is given in the query and in the body with different values' }]);
    }
    return this.commands.execute(
      new RequestDeploymentCommand(
        ctx.principal,
        projectId,
        body.target ?? query.target ?? 'PRODUCTION',
        { kind: 'GIT', gitRef: body.gitRef, commitSha: body.commitSha },
        ctx.correlationId,
      ),
    );
  }
}
