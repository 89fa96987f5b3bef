import { ApiProperty } from '@nestjs/swagger';
import type { Project } from '@deploysphere/database';
import { FRAMEWORKS, RUNTIMES } from './project-settings.dto';

export class ProjectDto {
  @ApiProperty({ example: 'prj_01jd8x3k9m2f4q7r8s9t0v1w2x' }) id!: string;
  @ApiProperty() teamId!: string;
  @ApiProperty({ example: 'My App' }) name!: string;
  @ApiProperty({ example: 'my-app', description: 'DNS label; the site is served at <slug>.<root-domain>' }) slug!: string;
  @ApiProperty({ enum: FRAMEWORKS, nullable: true, type: String }) framework!: string | null;
  @ApiProperty({ type: String, nullable: true }) rootDirectory!: string | null;
  @ApiProperty({ type: String, nullable: true }) installCommand!: string | null;
  @ApiProperty({ type: String, nullable: true }) buildCommand!: string | null;
  @ApiProperty({ type: String, nullable: true }) outputDirectory!: string | null;
  @ApiProperty({ type: String, nullable: true }) gitRepositoryUrl!: string | null;
  @ApiProperty({ example: 'main' }) productionBranch!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Build time limit in seconds; null = the platform default' }) buildTimeoutSeconds!: number | null;
  @ApiProperty() cleanUrls!: boolean;
  @ApiProperty() spaFallback!: boolean;
  @ApiProperty() custom404!: boolean;
  @ApiProperty({ enum: RUNTIMES, nullable: true, type: String, example: 'container', description: 'null = detected per deployment' }) runtime!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 3000 }) port!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '/healthz' }) healthCheckPath!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'node server.js' }) startCommand!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) replicas!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 512 }) memoryMb!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.5 }) cpus!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 900 }) idleTimeoutSeconds!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The deployment the production URL serves' }) liveDeploymentId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(p: Project & { alias?: { deploymentId: string } | null }): ProjectDto {
    return {
      id: p.id,
      teamId: p.teamId,
      name: p.name,
      slug: p.slug,
      framework: p.framework,
      rootDirectory: p.rootDirectory,
      installCommand: p.installCommand,
      buildCommand: p.buildCommand,
      outputDirectory: p.outputDirectory,
      gitRepositoryUrl: p.gitRepositoryUrl,
      productionBranch: p.productionBranch,
      buildTimeoutSeconds: p.buildTimeoutSeconds,
      cleanUrls: p.cleanUrls,
      spaFallback: p.spaFallback,
      custom404: p.custom404,
      runtime: p.runtime,
      port: p.port,
      healthCheckPath: p.healthCheckPath,
      startCommand: p.startCommand,
      replicas: p.replicas,
      memoryMb: p.memoryMb,
      cpus: p.cpus,
      idleTimeoutSeconds: p.idleTimeoutSeconds,
      liveDeploymentId: p.alias?.deploymentId ?? null,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}
