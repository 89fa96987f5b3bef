import { Global, Module, type Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { kafkaConfig, validateEnvironment } from '@deploysphere/config';
import { PrismaService } from '@deploysphere/database';
import { MessagingModule } from '@deploysphere/messaging';
import type { TestDatabase } from '@deploysphere/testing';

/**
 * A started Nest application of `providers` on the CQRS buses and the in-memory transport, with
 * the outbox in `db` (its relay running when `relay`): what a use case needs to raise events.
 */
export async function startMessagingApp(db: TestDatabase, { relay, providers }: { relay: boolean; providers: Provider[] }): Promise<TestingModule> {
  @Global()
  @Module({ providers: [{ provide: PrismaService, useValue: db.prisma }], exports: [PrismaService] })
  class TestDatabaseModule {}
  delete process.env.KAFKA_BROKERS;
  const app = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [kafkaConfig], validate: validateEnvironment }),
      CqrsModule.forRoot(),
      TestDatabaseModule,
      MessagingModule.forRoot({ relay }),
    ],
    providers,
  }).compile();
  await app.init();
  return app;
}
