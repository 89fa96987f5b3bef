import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProjectLink {
  projectId: string;
  name: string;
}

/** `.deploysphere/project.json` in a folder: which project its deploys go to. */
export function linkPath(dir: string): string {
  return join(dir, '.deploysphere', 'project.json');
}

export function readLink(dir: string): ProjectLink | undefined {
  try {
    const parsed = JSON.parse(readFileSync(linkPath(dir), 'utf8')) as Partial<ProjectLink>;
    if (typeof parsed.projectId === 'string') return { projectId: parsed.projectId, name: String(parsed.name ?? '') };
  } catch {
    // Not linked.
  }
  return undefined;
}

export function writeLink(dir: string, link: ProjectLink): void {
  mkdirSync(join(dir, '.deploysphere'), { recursive: true });
  writeFileSync(linkPath(dir), `${JSON.stringify(link, null, 2)}\n`);
  // The folder holds nothing to commit; a .gitignore inside keeps it out of the repository.
  writeFileSync(join(dir, '.deploysphere', '.gitignore'), '*\n');
}
