/** Every topic the platform uses. Versioned: a breaking payload change is a new topic. */
export const Topics = {
  DeploymentRequested: 'deployments.requested.v1',
  DeploymentCancelRequested: 'deployments.cancel-requested.v1',
  DeploymentStatusChanged: 'deployments.status-changed.v1',
  ProjectDeleted: 'projects.deleted.v1',
  DeploymentReady: 'deployments.ready.v1',
  BuildSucceeded: 'deployments.build-succeeded.v1',
  DeploymentImageStored: 'deployments.image-stored.v1',
  DeploymentFailed: 'deployments.failed.v1',
  AliasMoved: 'projects.alias-moved.v1',
  ProjectRoutingChanged: 'projects.routing-changed.v1',
  DomainVerified: 'projects.domain-verified.v1',
  DomainRemoved: 'projects.domain-removed.v1',
  DeploymentUpstreamsChanged: 'deployments.upstreams-changed.v1',
  DeploymentWakeRequested: 'deployments.wake-requested.v1',
  /** Edge → orchestrator, batched per edge instance every few seconds (not through the outbox). */
  DeploymentTrafficSeen: 'deployments.traffic-seen.v1',
  CertificateIssued: 'projects.certificate-issued.v1',
  AcmeChallengePublished: 'projects.acme-challenge-published.v1',
  /** Build log lines in batches, key = deployment id (high volume: not through the outbox). */
  LogsBuild: 'logs.build.v1',
  /** Edge access records in batches (high volume: not through the outbox). */
  LogsAccess: 'logs.access.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** Where a message goes after bounded retries fail. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
