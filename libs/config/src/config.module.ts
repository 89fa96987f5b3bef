import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { accountsConfig } from './accounts.config';
import { acmeConfig } from './acme.config';
import { appsConfig } from './apps.config';
import { appRuntimeConfig } from './app-runtime.config';
import { authConfig } from './auth.config';
import { buildsConfig } from './builds.config';
import { databaseConfig } from './database.config';
import { edgeConfig } from './edge.config';
import { httpConfig } from './http.config';
import { kafkaConfig } from './kafka.config';
import { logsConfig } from './logs.config';
import { observabilityConfig } from './observability.config';
import { redisConfig } from './redis.config';
import { dataConfig, loggingConfig } from './runtime.config';
import { sourceConfig } from './source.config';
import { storageConfig } from './storage.config';
import { validateEnvironment } from './env.validation';

/** Every area's factory, each injectable as `@Inject(xConfig.KEY) cfg: ConfigType<typeof xConfig>`. */
export const ALL_CONFIG = [dataConfig, loggingConfig, httpConfig, databaseConfig, authConfig, accountsConfig, kafkaConfig, redisConfig, logsConfig, sourceConfig, buildsConfig, storageConfig, edgeConfig, acmeConfig, appsConfig, appRuntimeConfig, observabilityConfig];

/**
 * Global, validated configuration. A bad value stops start-up with a message naming it.
 * `forRoot()` is called when an app's root module is built, not when this file is loaded,
 * so the error reaches the app's start-up handler instead of crashing module loading.
 */
@Module({})
export class DeploySphereConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: DeploySphereConfigModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          load: ALL_CONFIG,
          validate: validateEnvironment,
          // An operator's .env is read if present; real environment variables win.
          envFilePath: ['.env'],
        }),
      ],
    };
  }
}
