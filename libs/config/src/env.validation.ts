import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the platform reads. Each one is documented in `.env.example`
 * and in the README's configuration table; keep the three in step.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
    message: 'must be one of trace, debug, info, warn, error, fatal, silent',
  })
  LOG_LEVEL = 'info';

  @IsString()
  BIND_HOST = '0.0.0.0';

  @Transform(toInt) @IsInt({ message: 'must be an integer port number' }) @Min(1) @Max(65535)
  API_PORT = 3000;

  @Transform(toInt) @IsInt({ message: 'must be an integer port number' }) @Min(1) @Max(65535)
  GATEWAY_PORT = 3001;

  @Transform(toInt) @IsInt({ message: 'must be an integer port number' }) @Min(1) @Max(65535)
  EDGE_PORT = 8080;

  @Transform(toInt) @IsInt({ message: 'must be an integer port number' }) @Min(1) @Max(65535)
  ORCHESTRATOR_PORT = 3002;

  @Transform(toInt) @IsInt({ message: 'must be an integer port number' }) @Min(1) @Max(65535)
  LOG_INGEST_PORT = 3003;

  @IsString() @MinLength(1)
  DEPLOYSPHERE_DATA_DIR = './.deploysphere';

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Defaults to true in embedded mode (no DATABASE_URL) and false otherwise. */
  @Transform(toBool) @IsOptional() @IsIn([true, false], { message: 'must be true or false' })
  DATABASE_MIGRATE_ON_START?: boolean;

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^[A-Za-z0-9_\-.]{32,200}$/, { message: 'must be 32–200 characters of [A-Za-z0-9_-.]' })
  DEPLOYSPHERE_ADMIN_TOKEN?: string;

  /** 32 random bytes, base64. Required in production; generated into the data dir otherwise. */
  @Transform(emptyToUndefined) @IsOptional() @IsBase64(undefined, { message: 'must be 32 bytes encoded as base64' })
  DEPLOYSPHERE_ENCRYPTION_KEY?: string;

  @IsString() @Matches(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: 'must be a lower-case DNS name such as localhost or apps.example.com',
  })
  ROOT_DOMAIN = 'localhost';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' }) @MaxLength(10)
  API_JSON_BODY_LIMIT = '1mb';
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const got = e.value === undefined ? 'unset' : JSON.stringify(String(e.value)).slice(0, 60);
    return Object.values(e.constraints ?? {}).map((msg) => `  - ${e.property}: ${msg} (got ${got})`);
  });
}

/** The `validate` hook for `ConfigModule.forRoot`: returns typed values or throws one message naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new Error(`Invalid configuration:\n${describe(errors).join('\n')}\nSee .env.example for every variable and its default.`);
  }
  if (env.NODE_ENV === 'production' && !env.DEPLOYSPHERE_ENCRYPTION_KEY) {
    throw new Error(
      'Invalid configuration:\n  - DEPLOYSPHERE_ENCRYPTION_KEY: is required when NODE_ENV=production (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
  if (env.DEPLOYSPHERE_ENCRYPTION_KEY && Buffer.from(env.DEPLOYSPHERE_ENCRYPTION_KEY, 'base64').length !== 32) {
    throw new Error('Invalid configuration:\n  - DEPLOYSPHERE_ENCRYPTION_KEY: must decode to exactly 32 bytes');
  }
  return env;
}
