import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ALL_CONFIG } from './config';
import { validateEnvironment } from './env.validation';

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
