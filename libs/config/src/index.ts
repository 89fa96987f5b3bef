export * from './config';
export * from './config.module';
export * from './env.validation';
export type { ConfigType } from '@nestjs/config';
