import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { validateEnvironment } from '@deploysphere/config';
import { storageOptionsFromEnv } from '@deploysphere/storage';
import { Logger } from 'nestjs-pino';
import { existsSync } from 'node:fs';

/**
 * Checks the configuration before Nest starts, so a bad value is one clear message and exit 1
 * rather than a stack trace from inside module initialisation. `.env` is read the way
 * ConfigModule reads it: real environment variables win.
 */
export function preflightConfiguration(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnvironment(process.env);
  try {
    storageOptionsFromEnv(process.env, env.DEPLOYSPHERE_DATA_DIR);
  } catch (err) {
    throw new Error(`Invalid configuration:\n  - ${(err as Error).message}`);
  }
}

/**
 * Runs an app's start-up with the failure rules every process shares: the JSON logger is
 * attached before anything else logs, a configuration or start-up error prints one clear
 * message and exits 1 (no stack for config errors), SIGTERM and SIGINT close the app
 * gracefully through Nest's shutdown hooks.
 */
export async function runApp<T extends INestApplicationContext>(
  name: string,
  create: () => Promise<T>,
  start: (app: T) => Promise<void> = async (app) => void (await app.init()),
): Promise<T> {
  try {
    preflightConfiguration();
    const app = await create();
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await start(app);
    return app;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith('Invalid configuration')) {
      process.stderr.write(`${name}: ${message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
    }
    process.exit(1);
  }
}

/** Listens and logs where; the port comes from config. */
export async function listen(app: INestApplication, port: number, host: string, what: string): Promise<void> {
  await app.listen(port, host);
  app.get(Logger).log(`${what} listening on http://${host}:${port}`);
}
