// The gateway's Socket.IO protocol as this package sees it. The platform's own definition is
// libs/contracts/src/gateway.socket-events.ts; this package is published on its own and cannot
// import it, so a type-level spec (live-logs.protocol.spec.ts) holds the two equal.

export type DeploymentStatus = 'QUEUED' | 'BUILDING' | 'UPLOADING' | 'STARTING' | 'READY' | 'FAILED' | 'CANCELED' | 'TIMED_OUT' | 'CRASHED';
export const TERMINAL_STATUSES: readonly DeploymentStatus[] = ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT', 'CRASHED'];

export interface GatewayError {
  code: 'UNAUTHORIZED' | 'INSUFFICIENT_SCOPE' | 'DEPLOYMENT_NOT_FOUND' | 'VALIDATION_FAILED' | 'TOO_MANY_SUBSCRIPTIONS' | 'SLOW_CONSUMER' | 'UNAVAILABLE';
  message: string;
  deploymentId?: string;
}

export interface LogLine {
  seq: number;
  ts: string;
  stream: 'stdout' | 'stderr' | 'system';
  message: string;
}

export type SubscribeResult = { ok: true; deploymentId: string; fromSeq: number; status: DeploymentStatus } | { ok: false; error: GatewayError };

export interface LogEnd {
  deploymentId: string;
  lastSeq: number;
  status: DeploymentStatus;
}

export interface DeploymentStatusChange {
  deploymentId: string;
  projectId: string;
  from: DeploymentStatus;
  to: DeploymentStatus;
  failureCode?: string;
  at: string;
}

export interface ServerToClientEvents {
  'logs:lines': (payload: { deploymentId: string; lines: LogLine[] }) => void;
  'logs:gap': (payload: { deploymentId: string; fromSeq: number; toSeq: number }) => void;
  'logs:end': (payload: LogEnd) => void;
  'deployment:status': (payload: DeploymentStatusChange) => void;
  'gateway:error': (payload: GatewayError) => void;
}

export interface ClientToServerEvents {
  'logs:subscribe': (request: { deploymentId: string; fromSeq?: number }, ack: (result: SubscribeResult) => void) => void;
  'logs:unsubscribe': (request: { deploymentId: string }, ack?: (result: { ok: true }) => void) => void;
}
