// Public surface of @deploysphere/database: apps import only from here.
export * from './generated/prisma/client'; // PrismaClient, Prisma namespace, enums, model types
export { PrismaService } from './prisma.service';
export { DatabaseModule } from './database.module';
export type { DatabaseModuleAsyncOptions } from './database.module';
export { DATABASE_OPTIONS } from './database.options';
export type { DatabaseOptions } from './database.options';
export { DatabaseHealth } from './database.health';
export type { DatabaseHealthStatus } from './database.health';
export { isUniqueViolation, violatedIndex } from './errors';
export { holdAdvisoryLock } from './advisory-lock';
export { openDatabase, DEFAULT_POOL_SIZE } from './connection';
export type { DatabaseConnection } from './connection';
export { applyMigrations, checksumOf, markRolledBack, MigrationError, PRISMA_ADVISORY_LOCK_KEY } from './migrator';
export type { MigrationResult, Queryable } from './migrator';
export { defaultMigrationsDir } from './paths';
export { startEmbeddedPostgres, EMBEDDED_POOL_SIZE } from './embedded-postgres';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres';

import type { Prisma } from './generated/prisma/client';
/** The client handed to `$transaction(async (tx) => ...)` callbacks (e.g. outbox writes). */
export type PrismaTx = Prisma.TransactionClient;
