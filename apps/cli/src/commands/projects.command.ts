import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { client, colors, printJson, printTable } from '../cli-context';
import { CliError, ExitCode } from '../exit-codes';
import { readLink, writeLink } from '../project-link';
import { confirm } from '../prompts';
import type { DeploySphere, Project } from '@deploysphere/sdk';

/** A project by id, slug or name. */
export async function findProject(ds: DeploySphere, ref: string): Promise<Project | undefined> {
  if (/^prj_/.test(ref)) return ds.projects.get(ref);
  for await (const project of ds.projects.all()) if (project.slug === ref || project.name === ref) return project;
  return undefined;
}

export function registerProjectCommands(program: Command): void {
  const projects = program.command('projects').description('List, create and remove projects');

  projects
    .command('ls')
    .description("The team's projects")
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      const ds = client(command);
      const all: Project[] = [];
      for await (const project of ds.projects.all()) all.push(project);
      if (options.json) return printJson(all);
      if (all.length === 0) return void process.stdout.write('No projects yet: `deploysphere projects create <name>` or `deploysphere deploy`\n');
      const c = colors(command.optsWithGlobals());
      printTable([[c.bold('ID'), c.bold('NAME'), c.bold('SLUG'), c.bold('LIVE DEPLOYMENT'), c.bold('URL')], ...all.map((p) => [p.id, p.name, p.slug, p.liveDeploymentId ?? '-', p.url ?? '-'])]);
    });

  projects
    .command('create <name>')
    .description('Create a project (its slug, the subdomain, is derived from the name)')
    .option('--slug <slug>', 'the subdomain label, instead of one derived from the name')
    .option('--build-command <command>', 'instead of the package.json build script')
    .option('--output-dir <dir>', 'where the build writes the site (default: the framework default)')
    .option('--git-url <url>', 'the git repository `deploy --git-ref` builds from (http(s)://, git:// or ssh://)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { slug?: string; buildCommand?: string; outputDir?: string; gitUrl?: string; json?: boolean }, command: Command) => {
      const project = await client(command).projects.create({
        name,
        slug: options.slug,
        buildCommand: options.buildCommand,
        outputDirectory: options.outputDir,
        gitRepositoryUrl: options.gitUrl,
      });
      if (options.json) return printJson(project);
      process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} Created ${project.name} (${project.id}, slug ${project.slug})\n`);
    });

  projects
    .command('rm <project>')
    .description('Remove a project (id, slug or name) with its deployments')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => {
      const ds = client(command);
      const project = await findProject(ds, ref);
      if (!project) throw new CliError(`No project ${ref}`, ExitCode.NotFound);
      if (!options.yes && !(await confirm(`Remove ${project.name} (${project.id}) and all its deployments?`, true))) throw new CliError('Not removed', ExitCode.Usage);
      await ds.projects.remove(project.id);
      process.stdout.write(`Removed ${project.name} (${project.id})\n`);
    });

  program
    .command('link [project]')
    .description('Tie a folder to a project (id, slug or name; default: the folder name, created if missing) in .deploysphere/project.json')
    .option('--dir <dir>', 'the folder', '.')
    .action(async (ref: string | undefined, options: { dir: string }, command: Command) => {
      const dir = resolve(options.dir);
      const project = await linkFolder(client(command), dir, ref);
      process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} Linked ${dir} to ${project.name} (${project.id})\n`);
    });
}

/** Links `dir` to the project named `ref` (default: the folder's name), creating it when none has that name. */
export async function linkFolder(ds: DeploySphere, dir: string, ref?: string): Promise<Project> {
  const name = ref ?? basename(dir);
  const project = (await findProject(ds, name)) ?? (ref && /^prj_/.test(ref) ? undefined : await ds.projects.create({ name }));
  if (!project) throw new CliError(`No project ${name}`, ExitCode.NotFound);
  writeLink(dir, { projectId: project.id, name: project.name });
  return project;
}

export { readLink };
