import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CLI_BIN = resolve(__dirname, '../../apps/cli/bin/deploysphere.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `deploysphere` binary (no terminal: stdin is a pipe) and collects what it printed. */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  if (!existsSync(resolve(CLI_BIN, '../../dist/main.js'))) throw new Error('apps/cli/dist is missing: run `npm run build:clients` (npm ci and npm run build do)');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface RunningCli {
  /** Everything printed so far (stdout and stderr; one stream on a terminal). */
  output(): string;
  /** Waits (bounded) until the output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Types into the terminal (or writes to stdin without one). */
  write(data: string): void;
  kill(signal: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Starts the built binary and lets the test act while it runs. With `terminal`, it runs on a
 * pseudo-terminal made by util-linux `script` (no native module): stdin and stdout are a TTY,
 * so prompts appear, and typing Ctrl-C (`\x03`) makes the terminal send SIGINT, as at a keyboard.
 */
export function startCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; terminal?: boolean; timeoutMs?: number } = {}): RunningCli {
  if (!existsSync(resolve(CLI_BIN, '../../dist/main.js'))) throw new Error('apps/cli/dist is missing: run `npm run build:clients` (npm ci and npm run build do)');
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env };
  // `exec`: the CLI itself is the terminal's foreground process, so Ctrl-C reaches it alone.
  const child = options.terminal
    ? spawn('script', ['-q', '-f', '-e', '-c', `exec ${[process.execPath, CLI_BIN, ...args].map(shellQuote).join(' ')}`, '/dev/null'], { cwd: options.cwd, env: { ...env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [CLI_BIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
  return {
    output: () => stdout + stderr,
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout + stderr)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in the CLI's output (exit ${child.exitCode}):\n${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    write: (data) => void child.stdin.write(data),
    kill: (signal) => void child.kill(signal),
    done: done.finally(() => child.stdin.end()),
  };
}
