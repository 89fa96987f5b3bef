import { DeploySphere, DeploySphereError } from '@deploysphere/sdk';
import type { Command } from 'commander';
import { client, colors, printJson, type GlobalOptions } from '../cli-context';
import { configPath, readLogin, removeLogin, writeLogin } from '../credentials.store';
import { CliError, ExitCode } from '../exit-codes';
import { prompt } from '../prompts';

/** The token's own record (the list shows each token's first characters), when the API lists it. */
async function describeToken(ds: DeploySphere, token: string) {
  const page = await ds.tokens.list();
  return page.items.find((t) => token.startsWith(t.prefix));
}

export function registerAuthCommands(program: Command): void {
  program
    .command('login')
    .description('Store an API URL and token (checked against the API) in the config dir, readable by you only')
    .option('--gateway-url <url>', 'live-log gateway (default: the API host on port 3001)')
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const apiUrl = (options.apiUrl ?? process.env.DEPLOYSPHERE_API_URL ?? (await prompt('API URL (e.g. http://localhost:3000)'))).trim();
      const token = (options.token ?? process.env.DEPLOYSPHERE_TOKEN ?? (await prompt('API token', { secret: true }))).trim();
      if (!/^https?:\/\//.test(apiUrl)) throw new CliError(`API URL must start with http:// or https://, not ${JSON.stringify(apiUrl)}`, ExitCode.Usage);
      const ds = new DeploySphere({ apiUrl, token, gatewayUrl: options.gatewayUrl });
      try {
        await ds.tokens.list();
      } catch (error) {
        if (error instanceof DeploySphereError && error.status === 401) throw new CliError(`The API at ${apiUrl} refused this token (${error.code})`, ExitCode.Auth);
        throw error;
      }
      const path = writeLogin({ apiUrl: ds.apiUrl, token, gatewayUrl: options.gatewayUrl });
      process.stdout.write(`${colors(options).green('✔')} Logged in to ${ds.apiUrl} (saved in ${path})\n`);
    });

  program
    .command('logout')
    .description('Forget the stored login')
    .action(() => {
      const removed = removeLogin();
      process.stdout.write(removed ? `Logged out (removed ${configPath()})\n` : 'Not logged in\n');
    });

  program
    .command('whoami')
    .description('The API and the token in use')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }, command: Command) => {
      const ds = client(command);
      const token = command.optsWithGlobals<GlobalOptions>().token ?? process.env.DEPLOYSPHERE_TOKEN ?? readLogin()?.token ?? '';
      const record = await describeToken(ds, token);
      const who = { apiUrl: ds.apiUrl, gatewayUrl: ds.gatewayUrl, token: record ? { id: record.id, name: record.name, prefix: record.prefix, teamId: record.teamId, scopes: record.scopes, expiresAt: record.expiresAt ?? null } : null };
      if (options.json) return printJson(who);
      process.stdout.write(`API      ${who.apiUrl}\n`);
      process.stdout.write(record ? `Token    ${record.name} (${record.prefix}…, ${record.scopes.join(', ')})\nTeam     ${record.teamId}\n` : 'Token    valid (an admin token)\n');
    });
}
