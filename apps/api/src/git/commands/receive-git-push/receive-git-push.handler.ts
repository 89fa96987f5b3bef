import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, ID_PATTERN, newId, SECRET_BOX, type SecretBox } from '@deploysphere/common';
import { isUniqueViolation, PrismaService, type GitWebhookDelivery } from '@deploysphere/database';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { OutboxWriter } from '@deploysphere/messaging';
import { signatureMatches, webhookSecretAad } from '../../webhook-signature';
import { decidePush } from './git-push.payload';
import { ReceiveGitPushCommand } from './receive-git-push.command';
import type { GitWebhookResultDto, WebhookOutcome } from './receive-git-push.response.dto';

const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;
/** HMAC'd when there is no real secret, so an unknown project costs the same time as a bad signature. */
const NO_SECRET = 'deploysphere-no-webhook-secret';

const unauthorized = () =>
  new DomainError('unauthorized', 'WEBHOOK_SIGNATURE_INVALID', 'The X-Hub-Signature-256 header is missing or does not match this webhook');

/**
 * A git host's push notification. The signature is checked first, over the exact bytes
 * received; an unknown project, a project without a webhook secret and a wrong signature all get
 * the same 401. The delivery id is recorded in the transaction of its effect, so a redelivery
 * (or two racing copies) answers the recorded outcome and creates nothing.
 */
@CommandHandler(ReceiveGitPushCommand)
export class ReceiveGitPushHandler implements ICommandHandler<ReceiveGitPushCommand> {
  private readonly logger = new Logger(ReceiveGitPushHandler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async execute({ projectId, headers, body, correlationId }: ReceiveGitPushCommand): Promise<GitWebhookResultDto> {
    const project = ID_PATTERN.test(projectId)
      ? await this.prisma.project.findUnique({
          where: { id: projectId },
          select: { id: true, teamId: true, gitRepositoryUrl: true, productionBranch: true, gitWebhookSecret: true },
        })
      : null;
    const secret = project?.gitWebhookSecret ? this.openSecret(projectId, project.gitWebhookSecret) : undefined;
    if (!signatureMatches(secret ?? NO_SECRET, body, headers.signature) || !project || !secret) throw unauthorized();

    const { deliveryId, event } = headers;
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) throw new DomainError('bad_request', 'WEBHOOK_DELIVERY_ID_INVALID', 'X-GitHub-Delivery is missing or malformed');
    if (!event || !EVENT.test(event)) throw new DomainError('bad_request', 'WEBHOOK_EVENT_INVALID', 'X-GitHub-Event is missing or malformed');

    const key = { projectId_deliveryId: { projectId, deliveryId } };
    const previous = await this.prisma.gitWebhookDelivery.findUnique({ where: key });
    if (previous) return result(previous, true);

    const decision = event === 'push' ? decidePush(body) : undefined;
    const outcome: WebhookOutcome =
      event === 'ping' ? 'PONG' : !decision ? 'IGNORED_EVENT' : decision.outcome === 'DEPLOY' ? 'DEPLOYMENT_CREATED' : decision.outcome;
    if (decision?.outcome === 'DEPLOY' && !project.gitRepositoryUrl) {
      throw new DomainError('conflict', 'PROJECT_HAS_NO_GIT_REPOSITORY', 'This project has no git repository URL: set one with PUT /v1/projects/{id}/git');
    }

    let recorded: GitWebhookDelivery;
    try {
      recorded = await this.outbox.transaction(async (tx) => {
        const deploymentId = decision?.outcome === 'DEPLOY' ? newId('dpl') : null;
        // The delivery first: a racing copy of it fails here, before creating anything.
        const delivery = await tx.gitWebhookDelivery.create({ data: { projectId, deliveryId, event, outcome, deploymentId } });
        if (decision?.outcome === 'DEPLOY') {
          await this.deployments.createQueued(tx, {
            id: deploymentId!,
            projectId,
            teamId: project.teamId,
            target: decision.branch === project.productionBranch ? 'PRODUCTION' : 'PREVIEW',
            source: 'GIT',
            gitRef: decision.branch,
            commitSha: decision.commitSha,
            commitMessage: decision.commitMessage,
            createdByTokenId: null,
            correlationId,
          });
        }
        return delivery;
      });
    } catch (error) {
      const raced = isUniqueViolation(error) ? await this.prisma.gitWebhookDelivery.findUnique({ where: key }) : null;
      if (raced) return result(raced, true);
      throw error;
    }
    if (recorded.deploymentId) {
      this.logger.log({ projectId, deliveryId, deploymentId: recorded.deploymentId, correlationId }, 'git push deployment requested');
    }
    return result(recorded, false);
  }

  private openSecret(projectId: string, sealed: string): string | undefined {
    try {
      return this.box.open(sealed, webhookSecretAad(projectId));
    } catch (error) {
      this.logger.error({ err: error, projectId }, 'the webhook secret cannot be decrypted (was DEPLOYSPHERE_ENCRYPTION_KEY changed?); set it again');
      return undefined;
    }
  }
}

function result(delivery: GitWebhookDelivery, redelivered: boolean): GitWebhookResultDto {
  return {
    deliveryId: delivery.deliveryId,
    event: delivery.event,
    outcome: delivery.outcome as WebhookOutcome,
    deploymentId: delivery.deploymentId,
    redelivered,
  };
}
