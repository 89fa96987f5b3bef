import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface StoredLogin {
  apiUrl: string;
  token: string;
  gatewayUrl?: string;
}

/** `$XDG_CONFIG_HOME/deploysphere/config.json` (default `~/.config`), readable by its owner only. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'deploysphere', 'config.json');
}

export function readLogin(env: NodeJS.ProcessEnv = process.env): StoredLogin | undefined {
  try {
    const parsed = JSON.parse(readFileSync(configPath(env), 'utf8')) as Partial<StoredLogin>;
    if (typeof parsed.apiUrl === 'string' && typeof parsed.token === 'string') return { apiUrl: parsed.apiUrl, token: parsed.token, gatewayUrl: parsed.gatewayUrl };
  } catch {
    // No login yet, or an unreadable file: the same as logged out.
  }
  return undefined;
}

export function writeLogin(login: StoredLogin, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  // The mode is set on create and again in case the file existed with a wider one.
  writeFileSync(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function removeLogin(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = configPath(env);
  try {
    readFileSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}
