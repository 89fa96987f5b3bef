import { Kafka, logLevel } from 'kafkajs';
import { kafkaCluster } from '../../../libs/messaging/src/transport/kafka-member-eviction';
import { KafkaTestBroker, TEST_KAFKA_BROKERS } from './kafka-test-broker';

// The one reach into kafkajs internals (kafkaCluster): on the kafkajs this project installs it is
// there, and it does what CrashedMemberEviction relies on, against the real broker.
describe('kafkaCluster (kafkajs internals behind one function)', () => {
  const broker = new KafkaTestBroker();
  const kafka = new Kafka({ clientId: 'ds-test-eviction', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });

  beforeAll(() => broker.connect());
  afterAll(() => broker.cleanup());

  it('finds kafkajs\' cluster factory, whose coordinator removes another member from a group', async () => {
    const createCluster = kafkaCluster(kafka);
    expect(createCluster).toBeInstanceOf(Function);

    const topic = broker.topic('eviction');
    const groupId = `${broker.groupPrefix()}eviction`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 500 });
    const joined = new Promise<string>((resolve) => consumer.on(consumer.events.GROUP_JOIN, (e) => resolve(e.payload.memberId)));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async () => undefined });
    const memberId = await joined;
    const members = async () => (await admin.describeGroups([groupId])).groups[0].members.map((m) => m.memberId);
    expect(await members()).toEqual([memberId]);

    const cluster = createCluster!();
    try {
      await cluster.connect();
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      await coordinator.leaveGroup({ groupId, memberId });
    } finally {
      await cluster.disconnect();
    }

    // Gone at once, not after the 30 s session: the consumer rejoins as a new member.
    const started = Date.now();
    while ((await members()).includes(memberId)) await new Promise((r) => setTimeout(r, 100));
    expect(Date.now() - started).toBeLessThan(20_000);
    await consumer.disconnect();
    await admin.disconnect();
  });
});
