import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  BuildSucceededV1,
  DeploymentCancelRequestedV1,
  DeploymentFailedV1,
  DeploymentImageStoredV1,
  DeploymentRequestedV1,
  DeploymentStatusChangedV1,
} from './deployments.events';
import type { EventEnvelope, IntegrationEventClass } from './envelope';
import { AccessLogBatchV1, BuildLogBatchV1 } from './logs.events';
import { ProjectDeletedV1 } from './projects.events';
import {
  AcmeChallengePublishedV1,
  AliasMovedV1,
  CertificateIssuedV1,
  DeploymentReadyV1,
  DeploymentTrafficSeenV1,
  DeploymentUpstreamsChangedV1,
  DeploymentWakeRequestedV1,
  DomainRemovedV1,
  DomainVerifiedV1,
  ProjectRoutingChangedV1,
} from './routing.events';

/** Every integration event class by its `type`, so a consumer can rebuild what it receives. */
export const EVENT_CLASSES: Record<string, IntegrationEventClass> = Object.fromEntries(
  [
    DeploymentRequestedV1,
    DeploymentCancelRequestedV1,
    DeploymentStatusChangedV1,
    BuildSucceededV1,
    DeploymentImageStoredV1,
    DeploymentFailedV1,
    ProjectDeletedV1,
    DeploymentReadyV1,
    AliasMovedV1,
    ProjectRoutingChangedV1,
    DomainVerifiedV1,
    DomainRemovedV1,
    DeploymentUpstreamsChangedV1,
    DeploymentWakeRequestedV1,
    DeploymentTrafficSeenV1,
    CertificateIssuedV1,
    AcmeChallengePublishedV1,
    BuildLogBatchV1,
    AccessLogBatchV1,
  ].map((c) => [c.type, c]),
);

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  readonly code = 'CONTRACT_VIOLATION';
}

/**
 * Rebuilds an envelope's payload as an instance of its contract class and validates it.
 * Throws ContractViolation for unknown types or invalid payloads (a poison message).
 */
export function decodeEvent<T extends object = object>(envelope: EventEnvelope): T {
  const cls = EVENT_CLASSES[envelope?.type];
  if (!cls) throw new ContractViolation(`Unknown event type ${JSON.stringify(envelope?.type)}`);
  if (typeof envelope.payload !== 'object' || envelope.payload === null) {
    throw new ContractViolation(`${envelope.type}: payload is not an object`);
  }
  const instance = plainToInstance(cls, envelope.payload) as T;
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new ContractViolation(`${envelope.type}: invalid payload (${detail})`);
  }
  return instance;
}
