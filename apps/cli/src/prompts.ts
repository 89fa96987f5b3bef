import { CliError, ExitCode } from './exit-codes';
import { isInteractive } from './cli-context';

/** A secret from a prompt without echo (on a terminal) or from stdin (piped: all of it, one trailing newline dropped). */
export async function readSecret(message: string): Promise<string> {
  if (process.stdin.isTTY) {
    const { default: password } = await import('@inquirer/password');
    return password({ message, mask: false });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A yes/no question; without a terminal the answer is `fallback` (nothing prompts in scripts). */
export async function confirm(message: string, fallback: boolean): Promise<boolean> {
  if (!isInteractive()) return fallback;
  const { default: ask } = await import('@inquirer/confirm');
  return ask({ message, default: fallback });
}

export async function prompt(message: string, options: { secret?: boolean } = {}): Promise<string> {
  if (!isInteractive()) throw new CliError(`${message}: no terminal to ask on; pass it as an option`, ExitCode.Usage);
  if (options.secret) return readSecret(message);
  const { default: input } = await import('@inquirer/input');
  return input({ message });
}
