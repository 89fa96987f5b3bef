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
});
