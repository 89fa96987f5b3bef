import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { emptyToUndefined, readArea, toBool, toInt } from './area.validation';

const POOL = { message: 'must be an integer from 1 to 200' };

/** The metadata database: PostgreSQL at DATABASE_URL, or the embedded one when unset. */
export class DatabaseEnvironment {
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt) @IsInt(POOL) @Min(1, POOL) @Max(200, POOL)
  DATABASE_POOL_SIZE = 10;

  /** Defaults to true in embedded mode (no DATABASE_URL) and false otherwise. */
  @Transform(toBool) @IsOptional() @IsIn([true, false], { message: 'must be true or false' })
  DATABASE_MIGRATE_ON_START?: boolean;
}

export const databaseConfig = registerAs('database', () => {
  const env = readArea(DatabaseEnvironment);
  return {
    url: env.DATABASE_URL,
    embedded: env.DATABASE_URL === undefined,
    poolSize: env.DATABASE_POOL_SIZE,
    migrateOnStart: env.DATABASE_MIGRATE_ON_START ?? env.DATABASE_URL === undefined,
  };
});
