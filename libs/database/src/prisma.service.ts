import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { DatabaseConnection } from './connection';
import { DATABASE_CONNECTION } from './database.options';
import { PrismaClient } from './generated/prisma/client';

/**
 * The generated PrismaClient over `@prisma/adapter-pg`, sharing the connection's pg pool.
 * Inject it anywhere (DatabaseModule is global).
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Database');

  constructor(@Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection) {
    super({ adapter: new PrismaPg(connection.pool) });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.connection.close();
    this.logger.log('database connection closed');
  }

  /** Round trip to the database; throws when it is unreachable. */
  async ping(): Promise<void> {
    await this.$queryRawUnsafe('SELECT 1');
  }

  /** True when the app runs on embedded PGlite rather than a PostgreSQL server. */
  get isEmbedded(): boolean {
    return this.connection.embedded !== undefined;
  }
}
