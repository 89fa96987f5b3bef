import {
  AliasMovedV1,
  DeploymentReadyV1,
  DomainRemovedV1,
  DomainVerifiedV1,
  ProjectDeletedV1,
  ProjectRoutingChangedV1,
  type EventEnvelope,
  type IntegrationEventClass,
} from '@deploysphere/contracts';
import type { MessageTransport } from '@deploysphere/messaging';
import { randomUUID } from 'node:crypto';

type Payload<C> = C extends IntegrationEventClass<infer P> ? P : never;

/** Publishes a route event as the api/orchestrator would (through the outbox relay): an envelope on its topic. */
export async function publish<C extends IntegrationEventClass>(transport: MessageTransport, eventClass: C, payload: Payload<C>, key: string): Promise<void> {
  const envelope: EventEnvelope = {
    id: `evt_${randomUUID()}`,
    type: eventClass.type,
    key,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    payload,
  };
  await transport.publish([{ topic: eventClass.topic, key, value: envelope }]);
}

export const routeEvents = {
  ready: (t: MessageTransport, p: Payload<typeof DeploymentReadyV1>) => publish(t, DeploymentReadyV1, p, p.deploymentId),
  aliasMoved: (t: MessageTransport, p: Payload<typeof AliasMovedV1>) => publish(t, AliasMovedV1, p, p.projectId),
  routingChanged: (t: MessageTransport, p: Payload<typeof ProjectRoutingChangedV1>) => publish(t, ProjectRoutingChangedV1, p, p.projectId),
  projectDeleted: (t: MessageTransport, p: Payload<typeof ProjectDeletedV1>) => publish(t, ProjectDeletedV1, p, p.projectId),
  domainVerified: (t: MessageTransport, p: Payload<typeof DomainVerifiedV1>) => publish(t, DomainVerifiedV1, p, p.projectId),
  domainRemoved: (t: MessageTransport, p: Payload<typeof DomainRemovedV1>) => publish(t, DomainRemovedV1, p, p.projectId),
};
