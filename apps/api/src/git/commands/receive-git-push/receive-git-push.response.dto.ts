import { ApiProperty } from '@nestjs/swagger';

export const WEBHOOK_OUTCOMES = ['DEPLOYMENT_CREATED', 'PONG', 'IGNORED_BRANCH_DELETED', 'IGNORED_TAG', 'IGNORED_REF', 'IGNORED_EVENT'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export class GitWebhookResultDto {
  @ApiProperty({ example: '72d3162e-cc78-11e3-81ab-4c9367dc0958' }) deliveryId!: string;
  @ApiProperty({ example: 'push' }) event!: string;
  @ApiProperty({ enum: WEBHOOK_OUTCOMES }) outcome!: WebhookOutcome;
  @ApiProperty({ type: String, nullable: true, description: 'The deployment this delivery created' }) deploymentId!: string | null;
  @ApiProperty({ description: 'true when this delivery id was already handled: nothing new was created' }) redelivered!: boolean;
}
