import { ApiProperty } from '@nestjs/swagger';
import type { Deployment } from '@deploysphere/database';
import { DEPLOYMENT_STATUSES, DEPLOYMENT_TARGETS } from '@deploysphere/contracts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A promote or rollback to a server app: it starts first, and the alias moves once it is healthy. */
export class PromotionDto {
  @ApiProperty({ enum: ['starting', 'failed'], description: '`starting`: its instances are starting (or found running); `failed`: the alias stayed where it was' })
  state!: 'starting' | 'failed';
  @ApiProperty({ type: String, nullable: true, description: 'When the promote or rollback was asked (while starting)' }) requestedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'HEALTH_CHECK_FAILED', description: 'Why it failed: APP_START_FAILED, HEALTH_CHECK_FAILED, SUPERSEDED (a later move replaced it), …' })
  failureCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage!: string | null;
}

export class DeploymentDto {
  @ApiProperty({ example: 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty({ example: 'prj_01jd8x3k9m2f4q7r8s9t0v1w2x' }) projectId!: string;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES, example: 'READY' }) status!: string;
  @ApiProperty({ enum: DEPLOYMENT_TARGETS, example: 'PRODUCTION' }) target!: string;
  @ApiProperty({ enum: ['UPLOAD', 'GIT'], example: 'UPLOAD' }) source!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example: 'http://01jd8x3k9m2f4q7r8s9t0v1w2x-my-app.localhost:8080',
    description:
      "The deployment's immutable preview URL: served by the edge router as long as the deployment is READY, " +
      'whatever the production alias points at. null in every other status (nothing is served there yet, or any more).',
  })
  url!: string | null;
  @ApiProperty({ type: String, nullable: true }) gitRef!: string | null;
  @ApiProperty({ type: String, nullable: true }) commitSha!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Stable code when status is FAILED or TIMED_OUT' }) failureCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage!: string | null;
  @ApiProperty({ type: String, nullable: true }) artifactManifestKey!: string | null;
  @ApiProperty({ type: String, enum: ['static', 'container'], nullable: true, example: 'container', description: 'How it is served; decided when its build ran (null before)' }) runtime!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '127.0.0.1:5050/deploysphere-apps/prj_01jd8x3k9m2f4q7r8s9t0v1w2x@sha256:3f1c5e0b9a7d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e',
    description: 'A container deployment\'s image, by digest (set when it reaches STARTING)',
  })
  imageRef!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'sha256:3f1c5e0b9a7d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e' }) imageDigest!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) buildingAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) uploadingAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) readyAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelRequestedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: PromotionDto, nullable: true, description: 'The last promote or rollback to this server app that is still starting, or that failed; null otherwise' })
  promotion!: PromotionDto | null;

  static from(d: Deployment, url: string | null): DeploymentDto {
    return {
      id: d.id,
      projectId: d.projectId,
      status: d.status,
      target: d.target,
      source: d.source,
      url,
      gitRef: d.gitRef,
      commitSha: d.commitSha,
      failureCode: d.failureCode,
      failureMessage: d.failureMessage,
      artifactManifestKey: d.artifactManifestKey,
      runtime: d.runtime,
      imageRef: d.imageRef,
      imageDigest: d.imageDigest,
      createdAt: d.createdAt.toISOString(),
      buildingAt: iso(d.buildingAt),
      uploadingAt: iso(d.uploadingAt),
      readyAt: iso(d.readyAt),
      cancelRequestedAt: iso(d.cancelRequestedAt),
      finishedAt: iso(d.finishedAt),
      promotion: d.promotionRequestedAt
        ? { state: 'starting', requestedAt: iso(d.promotionRequestedAt), failureCode: null, failureMessage: null }
        : d.promotionFailureCode
          ? { state: 'failed', requestedAt: null, failureCode: d.promotionFailureCode, failureMessage: d.promotionFailureMessage }
          : null,
    };
  }
}
