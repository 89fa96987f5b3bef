import type { Command } from 'commander';
import type { DeploySphere, Domain } from '@deploysphere/sdk';
import { client, colors, linkedProjectId, printJson, printTable } from '../cli-context';
import { CliError, ExitCode } from '../exit-codes';

async function findDomain(ds: DeploySphere, projectId: string, ref: string): Promise<Domain> {
  for await (const d of ds.domains.all(projectId)) if (d.id === ref || d.hostname === ref.toLowerCase() || d.unicodeHostname === ref) return d;
  throw new CliError(`No domain ${ref} on this project`, ExitCode.NotFound);
}

function printRecord(domain: Domain): void {
  const v = domain.verification;
  process.stdout.write(`Create this DNS record, then run \`deploysphere domains verify ${domain.hostname}\`:\n\n  ${v.type}  ${v.name}  "${v.value}"\n`);
}

export function registerDomainCommands(program: Command): void {
  const domains = program.command('domains').description("The linked project's custom domains");

  domains
    .command('ls')
    .description('List the domains and whether they are verified')
    .option('--project <project>', 'project id (default: the linked one)')
    .option('--json', 'machine-readable output')
    .action(async (options: { project?: string; json?: boolean }, command: Command) => {
      const ds = client(command);
      const items: Domain[] = [];
      for await (const d of ds.domains.all(linkedProjectId(options.project))) items.push(d);
      if (options.json) return printJson(items);
      const c = colors(command.optsWithGlobals());
      if (items.length === 0) return void process.stdout.write('No domains\n');
      printTable([[c.bold('HOSTNAME'), c.bold('VERIFIED'), c.bold('ID')], ...items.map((d) => [d.unicodeHostname, d.verified ? c.green('yes') : c.yellow('no'), d.id])]);
    });

  domains
    .command('add <hostname>')
    .description('Add a domain and print the TXT record that proves you control it')
    .option('--project <project>', 'project id (default: the linked one)')
    .option('--json', 'machine-readable output')
    .action(async (hostname: string, options: { project?: string; json?: boolean }, command: Command) => {
      const domain = await client(command).domains.add(linkedProjectId(options.project), hostname);
      if (options.json) return printJson(domain);
      process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} Added ${domain.unicodeHostname}\n`);
      printRecord(domain);
    });

  domains
    .command('verify <domain>')
    .description('Check the TXT record; once verified the domain serves production')
    .option('--project <project>', 'project id (default: the linked one)')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, options: { project?: string; json?: boolean }, command: Command) => {
      const ds = client(command);
      const projectId = linkedProjectId(options.project);
      const domain = await findDomain(ds, projectId, ref);
      const verified = await ds.domains.verify(projectId, domain.id);
      if (options.json) return printJson(verified);
      const { domainUrls } = await ds.projects.get(projectId);
      const url = domainUrls.find((u) => new URL(u).hostname === verified.hostname);
      const serving = url ? `: ${url} serves production` : ' (it serves production once a deployment is live)';
      process.stdout.write(`${colors(command.optsWithGlobals()).green('✔')} ${verified.unicodeHostname} is verified${serving}\n`);
    });

  domains
    .command('rm <domain>')
    .description('Remove a domain')
    .option('--project <project>', 'project id (default: the linked one)')
    .action(async (ref: string, options: { project?: string }, command: Command) => {
      const ds = client(command);
      const projectId = linkedProjectId(options.project);
      const domain = await findDomain(ds, projectId, ref);
      await ds.domains.remove(projectId, domain.id);
      process.stdout.write(`Removed ${domain.unicodeHostname}\n`);
    });
}
