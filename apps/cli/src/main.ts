import { Command, CommanderError, Option } from 'commander';
import { reportError } from './cli-context';
import { EXIT_CODES_HELP, ExitCode, exitCodeOf } from './exit-codes';
import { registerAuthCommands } from './commands/auth.command';
import { registerDeployCommand } from './commands/deploy.command';
import { registerDeploymentCommands } from './commands/deployments.command';
import { registerDomainCommands } from './commands/domains.command';
import { registerEnvCommands } from './commands/env.command';
import { registerProjectCommands } from './commands/projects.command';

export function buildProgram(): Command {
  const program = new Command('deploysphere')
    .description('Deploy folders to DeploySphere and manage projects, env vars and domains')
    .version(require('../package.json').version as string)
    .addOption(new Option('--api-url <url>', 'API base URL').env('DEPLOYSPHERE_API_URL'))
    .addOption(new Option('--token <token>', 'API token').env('DEPLOYSPHERE_TOKEN'))
    .addOption(new Option('--gateway-url <url>', 'live-log gateway URL (default: the API host on port 3001)').env('DEPLOYSPHERE_GATEWAY_URL'))
    .option('--no-color', 'no colours (also off when not a terminal or with NO_COLOR)')
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODES_HELP);
  registerAuthCommands(program);
  registerProjectCommands(program);
  registerDeployCommand(program);
  registerDeploymentCommands(program);
  registerEnvCommands(program);
  registerDomainCommands(program);
  program.exitOverride();
  for (const command of program.commands) exitOverrideAll(command);
  return program;
}

function exitOverrideAll(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideAll(sub);
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with code 0; commander printed the message already.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    reportError(error);
    return exitCodeOf(error);
  }
}
