import { DeploySphere, DeploySphereError, type Deployment } from '@deploysphere/sdk';
import type { Command } from 'commander';
import pc from 'picocolors';
import { readLogin } from './credentials.store';
import { CliError, ExitCode } from './exit-codes';
import { readLink } from './project-link';

export interface GlobalOptions {
  apiUrl?: string;
  token?: string;
  gatewayUrl?: string;
  color?: boolean;
}

/** Colours only on a terminal, and never with NO_COLOR or --no-color. */
export function colors(options: GlobalOptions = {}) {
  const enabled = process.stdout.isTTY === true && !process.env.NO_COLOR && options.color !== false;
  return pc.createColors(enabled);
}

export function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/** Where and as whom: --api-url/--token, then DEPLOYSPHERE_API_URL/DEPLOYSPHERE_TOKEN, then the stored login. */
export function client(command: Command): DeploySphere {
  const options = command.optsWithGlobals<GlobalOptions>();
  const stored = readLogin();
  const apiUrl = options.apiUrl ?? process.env.DEPLOYSPHERE_API_URL ?? stored?.apiUrl;
  const token = options.token ?? process.env.DEPLOYSPHERE_TOKEN ?? (stored && (!apiUrl || apiUrl === stored.apiUrl) ? stored.token : undefined);
  if (!apiUrl || !token) throw new CliError('Not logged in: run `deploysphere login`, or set DEPLOYSPHERE_API_URL and DEPLOYSPHERE_TOKEN', ExitCode.Auth);
  const gatewayUrl = options.gatewayUrl ?? process.env.DEPLOYSPHERE_GATEWAY_URL ?? (stored?.apiUrl === apiUrl ? stored.gatewayUrl : undefined);
  return new DeploySphere({ apiUrl, token, gatewayUrl });
}

/** The project of `--project`, else the one the folder is linked to. */
export function linkedProjectId(explicit: string | undefined, dir = process.cwd()): string {
  if (explicit) return explicit;
  const link = readLink(dir);
  if (!link) throw new CliError('This folder is not linked to a project: run `deploysphere link` or pass --project', ExitCode.Usage);
  return link.projectId;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => stripAnsi(r[i] ?? '').length))) ?? [];
  for (const row of rows) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - stripAnsi(cell).length))).join('  ')}\n`);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

export function statusColor(status: Deployment['status'], c: ReturnType<typeof colors>): string {
  switch (status) {
    case 'READY':
      return c.green(status);
    case 'FAILED':
    case 'TIMED_OUT':
      return c.red(status);
    case 'CANCELED':
      return c.gray(status);
    default:
      return c.yellow(status);
  }
}

/** Prints an error as the user should see it: the problem's title, its code, the invalid fields. */
export function reportError(error: unknown): void {
  const c = colors();
  if (error instanceof DeploySphereError) {
    process.stderr.write(`${c.red('Error:')} ${error.title} (${error.code})\n`);
    if (error.detail) process.stderr.write(`  ${error.detail}\n`);
    for (const field of error.errors) process.stderr.write(`  - ${field.field}: ${field.message}\n`);
    return;
  }
  process.stderr.write(`${c.red('Error:')} ${error instanceof Error ? error.message : String(error)}\n`);
}
