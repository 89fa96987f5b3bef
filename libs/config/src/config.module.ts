import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ALL_CONFIG } from './config';
import { validateEnvironment } from './env.validation';

/** Global, validated configuration. A bad value stops start-up with a message naming it. */
@Module({
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
})
export class DeploySphereConfigModule {}
