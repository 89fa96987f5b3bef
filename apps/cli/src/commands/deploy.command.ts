import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createSpinner } from 'nanospinner';
import { TERMINAL_STATUSES, type DeploySphere, type Deployment, type DeploymentTarget, type LogLine } from '@deploysphere/sdk';
import { client, colors, isInteractive, printJson, statusColor } from '../cli-context';
import { CliError, ExitCode } from '../exit-codes';
import { readLink } from '../project-link';
import { confirm } from '../prompts';
import { linkFolder } from './projects.command';

interface DeployOptions {
  prod?: boolean;
  preview?: boolean;
  follow: boolean;
  gitRef?: string;
  project?: string;
  json?: boolean;
  cancelOnInterrupt?: boolean;
}

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy [dir]')
    .description(
      'Upload a folder (respecting .gitignore and .deploysphereignore; never .env*, .git, node_modules or credentials files) and follow its build to the end',
    )
    .option('--prod', 'deploy to production (the default): the project URL moves when the build is READY')
    .option('--preview', 'a preview deployment: its own URL only')
    .option('--no-follow', 'return once the build is queued')
    .option('--git-ref <ref>', "build this branch or tag of the project's git repository instead of uploading")
    .option('--project <project>', 'project id (default: the linked one)')
    .option('--json', 'print the final deployment as JSON (progress goes to stderr)')
    .option('--cancel-on-interrupt', 'without a terminal, Ctrl-C (SIGINT) cancels the build and waits for it to stop (exit 6) instead of leaving it running (exit 130)')
    .action(async (dirArg: string | undefined, options: DeployOptions, command: Command) => {
      if (options.prod && options.preview) throw new CliError('--prod and --preview exclude each other', ExitCode.Usage);
      const dir = resolve(dirArg ?? '.');
      if (!options.gitRef && (!existsSync(dir) || !statSync(dir).isDirectory())) throw new CliError(`${dir} is not a folder`, ExitCode.Usage);
      const ds = client(command);
      const c = colors(command.optsWithGlobals());
      const target: DeploymentTarget = options.preview ? 'PREVIEW' : 'PRODUCTION';
      const projectId = options.project ?? (await resolveProject(ds, dir));

      let deployment = options.gitRef
        ? await ds.deployments.fromGit(projectId, { target, gitRef: options.gitRef })
        : await upload(ds, projectId, dir, target);
      process.stderr.write(`${c.green('✔')} Queued ${deployment.id} (${target.toLowerCase()})\n`);
      if (!options.follow) {
        if (options.json) printJson(deployment);
        else process.stdout.write(`${deployment.id}\n`);
        return;
      }
      deployment = await follow(ds, deployment, c, options.json ? process.stderr : process.stdout, options.cancelOnInterrupt === true);
      if (options.json) printJson(deployment);
      else await printOutcome(ds, deployment, c);
      if (deployment.status === 'CANCELED') process.exitCode = ExitCode.BuildCanceled;
      else if (deployment.status !== 'READY') process.exitCode = ExitCode.BuildFailed;
    });
}

/** The linked project; an unlinked folder is linked to the project named after it (created if missing). */
async function resolveProject(ds: DeploySphere, dir: string): Promise<string> {
  const link = readLink(dir);
  if (link) return link.projectId;
  if (isInteractive() && !(await confirm(`Link ${dir} to the project "${basename(dir)}" (created if missing) and deploy it?`, true))) {
    throw new CliError('Not linked: run `deploysphere link <project>` first', ExitCode.Usage);
  }
  const project = await linkFolder(ds, dir);
  process.stderr.write(`Linked ${dir} to ${project.name} (${project.id})\n`);
  return project.id;
}

async function upload(ds: DeploySphere, projectId: string, dir: string, target: DeploymentTarget): Promise<Deployment> {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'Uploading |{bar}| {percentage}% | {done}/{size} | {rate}/s | ETA {eta_formatted} | {files} files',
    hideCursor: true,
    clearOnComplete: false,
  });
  const started = Date.now();
  let barStarted = false;
  let sent = 0;
  try {
    return await ds.deployments.upload(projectId, dir, {
      target,
      onProgress: (p) => {
        sent = p.bytesOut;
        const rate = p.bytesRead / Math.max((Date.now() - started) / 1000, 0.001);
        const payload = { done: formatBytes(p.bytesRead), size: formatBytes(p.totalBytes), rate: formatBytes(rate), files: `${p.filesDone}/${p.files}` };
        if (!barStarted) {
          bar.start(Math.max(p.totalBytes, 1), p.bytesRead, payload);
          barStarted = true;
        } else bar.update(p.bytesRead, payload);
      },
    });
  } finally {
    if (barStarted) bar.stop();
    if (!process.stderr.isTTY) process.stderr.write(`Uploaded ${formatBytes(sent)} (gzip) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  }
}

/**
 * Prints the build log live with a status line under it until the build ends. Ctrl-C asks
 * whether to cancel the build; without a terminal nothing can be asked, so `cancelOnInterrupt`
 * decides. A canceled build is followed to its end (CANCELED, exit 6); one left running exits 130.
 */
async function follow(ds: DeploySphere, deployment: Deployment, c: ReturnType<typeof colors>, out: NodeJS.WriteStream, cancelOnInterrupt: boolean): Promise<Deployment> {
  // A pseudo-terminal without a size (columns 0) makes the spinner redraw forever: plain lines there.
  const spinner = process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 ? createSpinner(`${deployment.status}`, { stream: process.stderr }).start() : undefined;
  const abort = new AbortController();
  let interrupted = false;
  let canceling = false;
  let asking = false;
  const onSigint = async () => {
    if (interrupted || canceling || asking) return;
    spinner?.stop();
    asking = true;
    // Ctrl-C again at the prompt means: stop asking, leave the build alone.
    const cancel = isInteractive() ? await confirm('Cancel the build?', true).catch(() => false) : cancelOnInterrupt;
    asking = false;
    if (cancel) {
      canceling = true;
      process.stderr.write(`Canceling ${deployment.id}\n`);
      spinner?.start({ text: 'canceling' });
      // Already finished: the log ends on its own and the final status says what happened.
      await ds.deployments.cancel(deployment.id).catch(() => undefined);
      return;
    }
    interrupted = true;
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const printLine = (line: LogLine) => {
    const text = line.stream === 'stderr' ? c.red(line.message) : line.stream === 'system' ? c.cyan(line.message) : line.message;
    if (spinner) spinner.clear();
    out.write(`${text}\n`);
    spinner?.render();
  };
  try {
    for await (const line of ds.logs.follow(deployment.id, {
      signal: abort.signal,
      onStatus: (change) => {
        if (spinner) spinner.update({ text: change.to });
        else process.stderr.write(`status: ${change.to}\n`);
      },
    })) {
      printLine(line);
    }
  } finally {
    process.off('SIGINT', onSigint);
    spinner?.stop();
  }
  if (interrupted) {
    process.stderr.write(`The build goes on: deploysphere logs -f ${deployment.id}\n`);
    throw new CliError('Interrupted', ExitCode.Interrupted);
  }
  // The log ends with the build; the record can lag by the status write.
  let final = await ds.deployments.get(deployment.id);
  if (!TERMINAL_STATUSES.includes(final.status)) final = await ds.deployments.waitUntilDone(deployment.id, { intervalMs: 300 });
  process.stderr.write(`${final.status === 'READY' ? c.green('✔') : c.red('✖')} ${statusColor(final.status, c)}\n`);
  return final;
}

async function printOutcome(ds: DeploySphere, deployment: Deployment, c: ReturnType<typeof colors>): Promise<void> {
  if (deployment.status !== 'READY') {
    process.stdout.write(`${c.red(`Build ${deployment.status.toLowerCase()}`)}${deployment.failureCode ? ` (${deployment.failureCode})` : ''}${deployment.failureMessage ? `: ${deployment.failureMessage}` : ''}\n`);
    return;
  }
  process.stdout.write(`Preview:    ${deployment.url ?? deployment.id}\n`);
  if (deployment.target !== 'PRODUCTION') return;
  const project = await ds.projects.get(deployment.projectId);
  // Someone may have promoted or rolled back meanwhile: say what production serves then.
  const elsewhere = project.liveDeploymentId !== deployment.id ? ` (serves ${project.liveDeploymentId ?? 'nothing'})` : '';
  process.stdout.write(`Production: ${project.url ?? project.slug}${elsewhere}\n`);
  for (const url of project.domainUrls) process.stdout.write(`            ${url}\n`);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
