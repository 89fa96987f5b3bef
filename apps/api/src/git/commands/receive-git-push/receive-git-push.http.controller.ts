import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@deploysphere/bootstrap';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { GitPushPayloadDto } from './git-push.payload';
import { ReceiveGitPushCommand } from './receive-git-push.command';
import { GitWebhookResultDto } from './receive-git-push.response.dto';

const header = (req: Request, name: string) => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

@ApiTags('webhooks')
@Controller('v1/webhooks/git')
export class ReceiveGitPushHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':projectId')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Git push webhook (GitHub-compatible)',
    description:
      'No bearer token: every delivery is verified by `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the project\'s webhook secret). ' +
      'A push to the production branch creates a PRODUCTION deployment (202), any other branch a PREVIEW; branch deletions, tags and other events ' +
      'are acknowledged (200) and ignored, `ping` answers PONG. A redelivery of the same `X-GitHub-Delivery` answers the recorded outcome with ' +
      '`redelivered: true` and creates nothing. Configure the webhook with content type `application/json`.',
    operationId: 'receiveGitWebhook',
  })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true, description: '`sha256=<hex HMAC-SHA256 of the body>`' })
  @ApiHeader({ name: 'X-GitHub-Event', required: true, description: '`push`, `ping`, …' })
  @ApiHeader({ name: 'X-GitHub-Delivery', required: true, description: 'Unique id of the delivery (redeliveries keep it)' })
  @ApiBody({ type: GitPushPayloadDto })
  @ApiAcceptedResponse({ type: GitWebhookResultDto, description: 'A deployment was requested' })
  @ApiOkResponse({ type: GitWebhookResultDto, description: 'Handled without a new deployment (ping, ignored ref or event, redelivery of one that did not deploy)' })
  @ApiProblems(400, 409, 413, 415)
  async receive(@Param('projectId') projectId: string, @Req() req: Request & { id?: string | number }, @Res({ passthrough: true }) res: Response) {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await this.commands.execute(
      new ReceiveGitPushCommand(
        projectId,
        { signature: header(req, 'x-hub-signature-256'), event: header(req, 'x-github-event'), deliveryId: header(req, 'x-github-delivery') },
        body,
        String(req.id ?? ''),
      ),
    );
    if (result.outcome === 'DEPLOYMENT_CREATED') res.status(202);
    return result;
  }
}
