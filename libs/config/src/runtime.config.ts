import { registerAs } from '@nestjs/config';
import { IsIn, IsString, MinLength } from 'class-validator';
import { resolve } from 'node:path';
import { readArea } from './area.validation';

/** What every process shares: its mode, its log level and where embedded state lives. */
export class RuntimeEnvironment {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
    message: 'must be one of trace, debug, info, warn, error, fatal, silent',
  })
  LOG_LEVEL = 'info';

  @IsString() @MinLength(1)
  DEPLOYSPHERE_DATA_DIR = './.deploysphere';
}

export const dataConfig = registerAs('data', () => ({
  dataDir: resolve(readArea(RuntimeEnvironment).DEPLOYSPHERE_DATA_DIR),
}));

export const loggingConfig = registerAs('logging', () => {
  const env = readArea(RuntimeEnvironment);
  return {
    level: env.LOG_LEVEL,
    pretty: process.stdout.isTTY === true && env.NODE_ENV !== 'production',
  };
});
