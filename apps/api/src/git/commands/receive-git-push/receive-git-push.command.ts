import { Command } from '@nestjs/cqrs';
import type { GitWebhookResultDto } from './receive-git-push.response.dto';

/** A webhook delivery as received: nothing in it is trusted until the signature is checked. */
export class ReceiveGitPushCommand extends Command<GitWebhookResultDto> {
  constructor(
    readonly projectId: string,
    readonly headers: { signature?: string; event?: string; deliveryId?: string },
    readonly body: Buffer,
    readonly correlationId: string,
  ) {
    super();
  }
}
