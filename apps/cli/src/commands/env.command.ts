import { Option, type Command } from 'commander';
import type { DeploymentTarget } from '@deploysphere/sdk';
import { client, colors, linkedProjectId, printJson, printTable } from '../cli-context';
import { CliError, ExitCode } from '../exit-codes';
import { readSecret } from '../prompts';

const targetOption = () => new Option('--target <target>', 'preview or production (default: both)').choices(['preview', 'production']);
const targets = (t?: string): DeploymentTarget[] | undefined => (t ? [t.toUpperCase() as DeploymentTarget] : undefined);

export function registerEnvCommands(program: Command): void {
  const env = program.command('env').description("The linked project's environment variables (secrets are write-only)");

  env
    .command('ls')
    .description('List the variables; secret values show as (secret)')
    .option('--project <project>', 'project id (default: the linked one)')
    .option('--json', 'machine-readable output')
    .action(async (options: { project?: string; json?: boolean }, command: Command) => {
      const list = await client(command).env.list(linkedProjectId(options.project));
      if (options.json) return printJson(list.items);
      const c = colors(command.optsWithGlobals());
      if (list.items.length === 0) return void process.stdout.write('No variables\n');
      printTable([[c.bold('KEY'), c.bold('TARGET'), c.bold('VALUE')], ...list.items.map((v) => [v.key, v.target, v.secret ? c.dim('(secret)') : (v.value ?? '')])]);
    });

  env
    .command('add <key> [value]')
    .description('Set a variable. A --secret value is read from a prompt without echo, or from stdin when piped (never from the command line)')
    .option('--secret', 'write-only: never shown again')
    .addOption(targetOption())
    .option('--project <project>', 'project id (default: the linked one)')
    .action(async (key: string, value: string | undefined, options: { secret?: boolean; target?: string; project?: string }, command: Command) => {
      if (options.secret && value !== undefined) throw new CliError('A secret is not taken from the command line (shell history): omit the value and type it or pipe it in', ExitCode.Usage);
      const resolved = value ?? (await readSecret(`Value of ${key}`));
      if (resolved === '') throw new CliError(`No value for ${key}`, ExitCode.Usage);
      await client(command).env.set(linkedProjectId(options.project), { key, value: resolved, secret: options.secret ?? false, targets: targets(options.target) });
      process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} Set ${key}${options.secret ? ' (secret)' : ''}\n`);
    });

  env
    .command('rm <key>')
    .description('Remove a variable')
    .addOption(targetOption())
    .option('--project <project>', 'project id (default: the linked one)')
    .action(async (key: string, options: { target?: string; project?: string }, command: Command) => {
      await client(command).env.remove(linkedProjectId(options.project), key, options.target?.toUpperCase() as DeploymentTarget | undefined);
      process.stdout.write(`Removed ${key}\n`);
    });
}
