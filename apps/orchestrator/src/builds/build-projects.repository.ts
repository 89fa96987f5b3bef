import { Injectable } from '@nestjs/common';
import { Batcher } from '@deploysphere/common';
import { Prisma, PrismaService } from '@deploysphere/database';

/** What a build needs of its project: the slug, and the build settings. */
export interface BuildProject {
  id: string;
  slug: string;
  gitRepositoryUrl: string | null;
  rootDirectory: string | null;
  installCommand: string | null;
  buildCommand: string | null;
  outputDirectory: string | null;
  framework: string | null;
  buildTimeoutSeconds: number | null;
  runtime: 'static' | 'container' | null;
}

/** The projects of the builds starting together, read in one query (straight on the pool: a build start is a hot path). */
@Injectable()
export class BuildProjects {
  private readonly batch = new Batcher<string, BuildProject | undefined>(async (ids) => {
    const rows = await this.prisma.query<BuildProject>(Prisma.sql`
      SELECT id, slug, git_repository_url AS "gitRepositoryUrl", root_directory AS "rootDirectory", install_command AS "installCommand",
        build_command AS "buildCommand", output_directory AS "outputDirectory", framework, build_timeout_seconds AS "buildTimeoutSeconds",
        runtime::text AS runtime
      FROM projects WHERE id = ANY(${[...new Set(ids)]})`);
    return ids.map((id) => rows.find((r) => r.id === id));
  });

  constructor(private readonly prisma: PrismaService) {}

  /** Undefined when the project was deleted. */
  find(projectId: string): Promise<BuildProject | undefined> {
    return this.batch.submit(projectId);
  }
}
