import { ApiProperty } from '@nestjs/swagger';
import type { Deployment } from '@deploysphere/database';
import { DEPLOYMENT_STATUSES, DEPLOYMENT_TARGETS } from '@deploysphere/contracts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export class DeploymentDto {
  @ApiProperty({ example: 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty() projectId!: string;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES }) status!: string;
  @ApiProperty({ enum: DEPLOYMENT_TARGETS }) target!: string;
  @ApiProperty({ enum: ['UPLOAD', 'GIT'] }) source!: string;
  @ApiProperty({ type: String, nullable: true }) gitRef!: string | null;
  @ApiProperty({ type: String, nullable: true }) commitSha!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Stable code when status is FAILED or TIMED_OUT' }) failureCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureMessage!: string | null;
  @ApiProperty({ type: String, nullable: true }) artifactManifestKey!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) buildingAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) uploadingAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) readyAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelRequestedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;

  static from(d: Deployment): DeploymentDto {
    return {
      id: d.id,
      projectId: d.projectId,
      status: d.status,
      target: d.target,
      source: d.source,
      gitRef: d.gitRef,
      commitSha: d.commitSha,
      failureCode: d.failureCode,
      failureMessage: d.failureMessage,
      artifactManifestKey: d.artifactManifestKey,
      createdAt: d.createdAt.toISOString(),
      buildingAt: iso(d.buildingAt),
      uploadingAt: iso(d.uploadingAt),
      readyAt: iso(d.readyAt),
      cancelRequestedAt: iso(d.cancelRequestedAt),
      finishedAt: iso(d.finishedAt),
    };
  }
}
