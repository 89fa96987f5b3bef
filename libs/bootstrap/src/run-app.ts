import type { INestApplication, INestApplicationContext, LoggerService } from '@nestjs/common';
import { loadEnvironment, loggingConfig, observabilityConfig } from '@deploysphere/config';
import { startTracing } from '@deploysphere/observability';
import { Logger, type PinoLogger } from 'nestjs-pino';
import pino from 'pino';

/**
 * The logger Nest uses while the app is being built (connecting the database, the broker, …),
 * before the app's own nestjs-pino logger exists: the same JSON lines, written as they happen.
 * (Buffering them until start-up ends printed nothing for seconds, then all of it stamped with
 * the flush time.)
 */
export function startupLogger(app: string): LoggerService {
  const log = loggingConfig();
  const root = pino({ level: log.level, base: { app }, transport: log.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined });
  return new Logger(root as unknown as PinoLogger, {});
}

/**
 * Runs an app's start-up with the failure rules every process shares: the JSON logger is
 * attached before anything else logs, a configuration or start-up error prints one clear
 * message and exits 1 (no stack for config errors), SIGTERM and SIGINT close the app
 * gracefully through Nest's shutdown hooks.
 */
export async function runApp<T extends INestApplicationContext>(
  name: string,
  create: (logger: LoggerService) => Promise<T>,
  start: (app: T) => Promise<void> = async (app) => void (await app.init()),
): Promise<T> {
  try {
    // Before Nest starts, so a bad value is one clear message and exit 1, not a stack trace from module initialisation.
    loadEnvironment();
    // Before the app is built, so everything it does from the first request on can be traced.
    const observability = observabilityConfig();
    if (observability.otlpEndpoint) startTracing({ serviceName: observability.serviceName ?? `deploysphere-${name}`, endpoint: observability.otlpEndpoint });
    const app = await create(startupLogger(name));
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
