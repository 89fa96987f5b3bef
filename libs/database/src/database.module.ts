import { DynamicModule, Global, Logger, Module, ModuleMetadata } from '@nestjs/common';
import { openDatabase } from './connection';
import { DATABASE_CONNECTION, DATABASE_OPTIONS, DatabaseOptions } from './database.options';
import { DatabaseHealth } from './database.health';
import { PrismaService } from './prisma.service';

export interface DatabaseModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: any[];
  useFactory: (...args: any[]) => DatabaseOptions | Promise<DatabaseOptions>;
}

/**
 * Global database module: PrismaService and DatabaseHealth for every module.
 * The connection provider starts embedded PGlite when `url` is undefined and applies migrations
 * when `migrateOnStart`, both before PrismaService exists (docs/database.md).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRootAsync(options: DatabaseModuleAsyncOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: DATABASE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: DATABASE_CONNECTION,
          inject: [DATABASE_OPTIONS],
          useFactory: (opts: DatabaseOptions) => {
            const logger = new Logger('Database');
            return openDatabase(opts, (msg) => logger.log(msg));
          },
        },
        PrismaService,
        DatabaseHealth,
      ],
      exports: [PrismaService, DatabaseHealth, DATABASE_OPTIONS],
    };
  }
}
