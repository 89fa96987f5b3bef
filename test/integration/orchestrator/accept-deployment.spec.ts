import { CommandBus } from '@nestjs/cqrs';
import { newId } from '@deploysphere/common';
import { DeploymentRequestedV1, type EventEnvelope } from '@deploysphere/contracts';
import { AcceptDeploymentCommand } from '../../../apps/orchestrator/src/deployments/commands/accept-deployment/accept-deployment.command';
import { FakeRunner } from '../../support/fake-runner';
import { OrchestratorWorld, seedDeployment } from '../../support/orchestrator';

function requestOf(deploymentId: string, projectId: string): { event: DeploymentRequestedV1; envelope: EventEnvelope } {
  const payload = { deploymentId, projectId, teamId: newId('team'), target: 'PREVIEW' as const, source: 'UPLOAD' as const, requestedAt: new Date().toISOString() };
  const event = Object.assign(new DeploymentRequestedV1(), payload);
  return { event, envelope: { id: newId('evt'), type: DeploymentRequestedV1.type, key: deploymentId, occurredAt: payload.requestedAt, correlationId: 'req-1', payload } };
}

/** DeploymentRequested.v1 in the orchestrator: recorded once, wakes the scheduler only for a QUEUED row. */
describe('AcceptDeploymentHandler (PostgreSQL)', () => {
  let world: OrchestratorWorld;
  afterEach(() => world?.close());

  it('records the request once and wakes the scheduler for a queued deployment; a redelivery or a deleted deployment does nothing', async () => {
    world = new OrchestratorWorld('postgres');
    // Builds paused: the row stays QUEUED whatever the scheduler does.
    const orch = await world.start({ runner: new FakeRunner(), env: { BUILD_CONCURRENCY: '0' } });
    const commands = orch.app.get(CommandBus);
    // Its own timer nudges it too: stop that, so only the handler's nudges are counted.
    await orch.scheduler.onModuleDestroy();
    const nudge = jest.spyOn(orch.scheduler, 'nudge');
    const { deploymentId, projectId } = await seedDeployment(orch.prisma, { target: 'PREVIEW' });
    const request = requestOf(deploymentId, projectId);

    await commands.execute(new AcceptDeploymentCommand(request.event, request.envelope));
    expect(nudge).toHaveBeenCalledTimes(1);
    await commands.execute(new AcceptDeploymentCommand(request.event, request.envelope)); // redelivered
    expect(nudge).toHaveBeenCalledTimes(1);
    expect(await orch.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: request.envelope.id } })).toBe(1);

    const gone = requestOf(newId('dpl'), projectId); // deleted (or never stored) before its request arrived
    await commands.execute(new AcceptDeploymentCommand(gone.event, gone.envelope));
    expect(nudge).toHaveBeenCalledTimes(1);
    expect(await orch.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: gone.envelope.id } })).toBe(1);
  }, 60_000);

  it('requests handled at once are recorded together and each exactly once, a redelivery in the same batch included', async () => {
    world = new OrchestratorWorld('postgres');
    const orch = await world.start({ runner: new FakeRunner(), env: { BUILD_CONCURRENCY: '0' } });
    const commands = orch.app.get(CommandBus);
    await orch.scheduler.onModuleDestroy();
    const nudge = jest.spyOn(orch.scheduler, 'nudge');
    const queued = await Promise.all([1, 2, 3, 4].map(() => seedDeployment(orch.prisma, { target: 'PREVIEW' })));
    const requests = queued.map((d) => requestOf(d.deploymentId, d.projectId));
    const canceled = await seedDeployment(orch.prisma, { target: 'PREVIEW' });
    await orch.prisma.deployment.update({ where: { id: canceled.deploymentId }, data: { status: 'CANCELED', finishedAt: new Date() } });
    const statements = jest.spyOn(orch.prisma, 'query');

    // As the consumer does with its partitions: all in flight together, one of them twice.
    const all = [...requests, requests[0], requestOf(canceled.deploymentId, canceled.projectId)];
    await Promise.all(all.map((r) => commands.execute(new AcceptDeploymentCommand(r.event, r.envelope))));

    expect(statements).toHaveBeenCalledTimes(1);
    expect(nudge).toHaveBeenCalledTimes(4); // each queued one once; neither the duplicate nor the canceled one
    const ids = all.map((r) => r.envelope.id);
    expect(await orch.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: { in: ids } } })).toBe(5);
  }, 60_000);
});
