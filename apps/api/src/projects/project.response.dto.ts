import { ApiProperty } from '@nestjs/swagger';
import type { Prisma, Project } from '@deploysphere/database';
import type { SiteUrls } from '../http/site-urls';
import { FRAMEWORKS, RUNTIMES } from './project-settings.dto';

/** What a project's response reads besides its row: the alias, and the verified domains in name order (PROJECT_URLS). */
export type ProjectRow = Project & { alias?: { deploymentId: string } | null; domains?: Array<{ hostname: string }> };

/** The Prisma `include` that fills a {@link ProjectRow}. */
export const PROJECT_URLS = {
  alias: true,
  domains: { where: { verifiedAt: { not: null } }, select: { hostname: true }, orderBy: { hostname: 'asc' } },
} satisfies Prisma.ProjectInclude;

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
  @ApiProperty({ description: 'HTTPS answers carry Strict-Transport-Security' }) hsts!: boolean;
  @ApiProperty({ enum: RUNTIMES, nullable: true, type: String, example: 'container', description: 'null = detected per deployment' }) runtime!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 3000 }) port!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '/healthz' }) healthCheckPath!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'node server.js' }) startCommand!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) replicas!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 512 }) memoryMb!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.5 }) cpus!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 900 }) idleTimeoutSeconds!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The deployment the production URL serves' }) liveDeploymentId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    example: 'http://my-app.localhost:8080',
    description: 'The production URL (`<slug>.<root domain>`), serving the live deployment; null while no deployment is live',
  })
  url!: string | null;
  @ApiProperty({
    type: [String],
    format: 'uri',
    example: ['http://www.example.com:8080'],
    description: "The verified custom domains' URLs, serving the live deployment too (in name order); empty while no deployment is live",
  })
  domainUrls!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(p: ProjectRow, urls: SiteUrls): ProjectDto {
    const live = p.alias?.deploymentId ?? null;
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
      hsts: p.hsts,
      runtime: p.runtime,
      port: p.port,
      healthCheckPath: p.healthCheckPath,
      startCommand: p.startCommand,
      replicas: p.replicas,
      memoryMb: p.memoryMb,
      cpus: p.cpus,
      idleTimeoutSeconds: p.idleTimeoutSeconds,
      liveDeploymentId: live,
      url: live ? urls.production(p.slug) : null,
      domainUrls: live ? (p.domains ?? []).map((d) => urls.domain(d.hostname)) : [],
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}
