import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { loadEnvironment } from '@deploysphere/config';
import { Logger } from 'nestjs-pino';

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
    // Before Nest starts, so a bad value is one clear message and exit 1, not a stack trace from module initialisation.
    loadEnvironment();
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
