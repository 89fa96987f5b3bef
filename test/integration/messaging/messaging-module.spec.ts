import 'reflect-metadata';
import { Global, Module, type OnModuleDestroy } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CqrsModule } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { kafkaConfig, validateEnvironment } from '@deploysphere/config';
import { deadLetterTopic, Topics } from '@deploysphere/contracts';
import { PrismaService } from '@deploysphere/database';
import { ConsumerHost, InMemoryTransport, KafkaTransport, MESSAGE_TRANSPORT, MessagingModule, type MessageTransport } from '@deploysphere/messaging';
import { KafkaTestBroker, TEST_KAFKA_BROKERS } from './kafka-test-broker';
import { requested, sleep, waitFor } from './transport.behaviour';

// Which transport an app gets is configuration: KAFKA_BROKERS set → Kafka, unset → in-process.
jest.setTimeout(60_000);

/** Stands in for PrismaService (the relay is off here) and records when Nest closes it. */
const lifecycle: string[] = [];
class FakeDatabase implements OnModuleDestroy {
  onModuleDestroy(): void {
    lifecycle.push('database closed');
  }
}

/** Imported before MessagingModule, as CoreModule imports DatabaseModule. */
@Global()
@Module({ providers: [{ provide: PrismaService, useClass: FakeDatabase }], exports: [PrismaService] })
class FakeDatabaseModule {}

const broker = new KafkaTestBroker();
beforeAll(() => broker.connect());
afterAll(() => broker.cleanup());

const saved = { ...process.env };
let moduleRef: TestingModule | undefined;
afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
  for (const name of Object.keys(process.env)) if (name.startsWith('KAFKA_')) delete process.env[name];
  Object.assign(process.env, saved);
});

async function compile(env: Record<string, string>): Promise<TestingModule> {
  Object.assign(process.env, env);
  moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [kafkaConfig], validate: validateEnvironment }),
      CqrsModule.forRoot(),
      FakeDatabaseModule,
      MessagingModule.forRoot({ relay: false, retryBaseMs: 10 }),
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

it('uses the in-process transport when KAFKA_BROKERS is unset', async () => {
  delete process.env.KAFKA_BROKERS;
  const app = await compile({});
  expect(app.get(MESSAGE_TRANSPORT)).toBeInstanceOf(InMemoryTransport);
});

it('uses Kafka when KAFKA_BROKERS is set: contract topics exist, groups are prefixed, close() disconnects', async () => {
  const app = await compile({
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(' , '),
    KAFKA_CLIENT_ID: 'ds-module-test',
    KAFKA_GROUP_PREFIX: broker.groupPrefix(),
  });
  const transport = app.get<MessageTransport>(MESSAGE_TRANSPORT);
  expect(transport).toBeInstanceOf(KafkaTransport);
  expect(transport.isReady()).toBe(true);
  const contractTopics = Object.values(Topics).flatMap((t) => [t, deadLetterTopic(t)]);
  expect(Object.keys(await broker.partitions(contractTopics)).sort()).toEqual([...contractTopics].sort());

  const topic = broker.topic('module');
  const seen: string[] = [];
  await app.get(ConsumerHost).consume('module-check', [topic], async (_e, env) => void seen.push(env.id));
  const event = requested();
  await transport.publish([{ topic, key: event.key, value: event }]);
  await waitFor('the event through the module-built transport', () => seen.includes(event.id), 30_000);
  expect(await broker.groups()).toContain(`${broker.groupPrefix()}module-check`);

  await app.close();
  moduleRef = undefined;
  expect(transport.isReady()).toBe(false);
});

it('stops consuming before the database closes: the handler in progress finishes first', async () => {
  const app = await compile({ KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','), KAFKA_GROUP_PREFIX: broker.groupPrefix() });
  const topic = broker.topic('shutdown-order');
  lifecycle.length = 0;
  await app.get(ConsumerHost).consume('shutdown-order', [topic], async () => {
    lifecycle.push('handler started');
    await sleep(500);
    lifecycle.push('handler finished');
  });
  const event = requested();
  await app.get<MessageTransport>(MESSAGE_TRANSPORT).publish([{ topic, key: event.key, value: event }]);
  await waitFor('the handler to start', () => lifecycle.includes('handler started'), 30_000);

  await app.close();
  moduleRef = undefined;
  expect(lifecycle).toEqual(['handler started', 'handler finished', 'database closed']);
});

it('refuses to start with a message naming each bad Kafka variable', () => {
  expect(() => validateEnvironment({ KAFKA_BROKERS: 'kafka-without-port', KAFKA_PARTITIONS: '0', KAFKA_SESSION_TIMEOUT_MS: '100' })).toThrow(
    /KAFKA_BROKERS: must be a comma-separated list of host:port[\s\S]*KAFKA_PARTITIONS: [\s\S]*KAFKA_SESSION_TIMEOUT_MS: /,
  );
  expect(validateEnvironment({})).toMatchObject({ KAFKA_CLIENT_ID: 'deploysphere', KAFKA_GROUP_PREFIX: 'deploysphere.', KAFKA_PARTITIONS: 6, KAFKA_REPLICATION_FACTOR: 1 });
});
