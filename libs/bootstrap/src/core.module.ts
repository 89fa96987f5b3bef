import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { flushTracing } from '@deploysphere/observability';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { SECRET_BOX } from '@deploysphere/common';
import { dataConfig, databaseConfig, DeploySphereConfigModule, loggingConfig, storageConfig, type ConfigType } from '@deploysphere/config';
import { DatabaseModule, PrismaService } from '@deploysphere/database';
import { MESSAGE_TRANSPORT, MessagingModule, type MessageTransport } from '@deploysphere/messaging';
import { ARTIFACT_STORE, StorageModule, type ArtifactStore } from '@deploysphere/storage';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

/** A client-supplied X-Request-Id is kept as the correlation id when it looks sane. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes and scrapes come every few seconds: not request-logged. */
const PROBES = new Set(['/healthz', '/livez', '/readyz', '/metrics']);
import { HealthService } from './health.service';
import { ReadinessRegistry } from './readiness';
import { secretBoxProvider } from './secret-box.provider';

export interface CoreOptions {
  /** Name in every log line (`app` field). */
  app: string;
  /** Run the outbox relay here (apps that write outbox rows). */
  relay?: boolean;
}

/** Spans still buffered go out before the process ends (tracing on only). */
class TracingFlush implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return flushTracing();
  }
}

class CoreReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly prisma: PrismaService,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', () => this.prisma.ping().then(() => true));
    // Not critical: while the broker is away, writes still commit with their events in the outbox
    // and the relay publishes them once it is back. Taking every instance out of rotation for it
    // would turn a Kafka outage into an API outage (test/e2e/distributed/kafka-outage.e2e.spec.ts).
    this.registry.register('transport', async () => this.transport.isReady(), { critical: false });
    this.registry.register('artifacts', () => this.artifacts.isReady());
  }
}

/** Invitation links carry their token in the path: access logs keep the route, not the token. */
export function redactUrlSecrets(url: string): string {
  return url.replace(/\/(invite|invitations)\/[^/?#]+/g, '/$1/[redacted]');
}

/**
 * What every app process shares: validated config, structured logs, the database, the
 * message transport and outbox, the CQRS bus and readiness. Each app's `main.ts` and the
 * all-in-one platform import it once, beside the apps' feature modules.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        DeploySphereConfigModule.forRoot(),
        LoggerModule.forRootAsync({
          inject: [loggingConfig.KEY],
          useFactory: (log: ConfigType<typeof loggingConfig>) => ({
            pinoHttp: {
              level: log.level,
              base: { app: options.app },
              autoLogging: { ignore: (req) => PROBES.has(req.url ?? '') },
              genReqId: (req, res) => {
                const given = req.headers['x-request-id'];
                const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
                res.setHeader('X-Request-Id', id);
                return id;
              },
              redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-hub-signature-256"]', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
              serializers: {
                req: (req: { url?: string; params?: unknown }) => {
                  const url = req.url && redactUrlSecrets(req.url);
                  // The route's params repeat the token the path held.
                  if (url !== req.url) Object.assign(req, { url, params: {} });
                  return req;
                },
              },
              transport: log.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
            },
          }),
        }),
        CqrsModule.forRoot(),
        // Probes failing is what /readyz reports; logging each probe would flood the logs.
        TerminusModule.forRoot({ logger: false }),
        DatabaseModule.forRootAsync({
          inject: [databaseConfig.KEY, dataConfig.KEY],
          useFactory: (db: ConfigType<typeof databaseConfig>, data: ConfigType<typeof dataConfig>) => ({
            url: db.url,
            embeddedDataDir: join(data.dataDir, 'pgdata'),
            migrateOnStart: db.migrateOnStart,
            poolSize: db.poolSize,
          }),
        }),
        MessagingModule.forRoot({ relay: options.relay ?? true }),
        StorageModule.forRootAsync({
          inject: [storageConfig.KEY],
          useFactory: (storage: ConfigType<typeof storageConfig>) => storage,
        }),
      ],
      providers: [ReadinessRegistry, HealthService, CoreReadiness, TracingFlush, secretBoxProvider],
      exports: [ReadinessRegistry, HealthService, CqrsModule, SECRET_BOX],
    };
  }
}
