import type { DeploymentStatusName } from './deployments.events';
import type { LogStreamName } from './logs.events';

// The gateway's Socket.IO protocol, typed for both ends: the server is
// `Server<ClientToServerEvents, ServerToClientEvents>`, a client is
// `Socket<ServerToClientEvents, ClientToServerEvents>` (socket.io-client).
//
// Connect with an API token: `io(url, { auth: { token } })` (or an `Authorization: Bearer`
// header where the client can set one). A refused handshake is a `connect_error` whose
// `data.code` is a GatewayErrorCode.

/** Events are versioned by name: a breaking change gets a new name and the old one is kept. */
export const SocketEvents = {
  Subscribe: 'logs:subscribe',
  Unsubscribe: 'logs:unsubscribe',
  Lines: 'logs:lines',
  Gap: 'logs:gap',
  End: 'logs:end',
  Status: 'deployment:status',
  Error: 'gateway:error',
} as const;

export type GatewayErrorCode =
  | 'UNAUTHORIZED'
  | 'INSUFFICIENT_SCOPE'
  | 'DEPLOYMENT_NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'TOO_MANY_SUBSCRIPTIONS'
  /** The client read too slowly: its buffer passed GATEWAY_SOCKET_BUFFER_MAX; it is disconnected. */
  | 'SLOW_CONSUMER'
  | 'UNAVAILABLE';

export interface GatewayError {
  code: GatewayErrorCode;
  message: string;
  deploymentId?: string;
}

export interface LogLinePayload {
  seq: number;
  ts: string;
  stream: LogStreamName;
  message: string;
}

export interface SubscribeRequest {
  deploymentId: string;
  /** First line wanted (default 1: the whole build; 0 means the same). Lines before it are not sent. */
  fromSeq?: number;
}

export type SubscribeResult =
  | { ok: true; deploymentId: string; fromSeq: number; status: DeploymentStatusName }
  | { ok: false; error: GatewayError };

export interface UnsubscribeRequest {
  deploymentId: string;
}

export interface LogLinesPayload {
  deploymentId: string;
  /** Consecutive lines in `seq` order; each seq is delivered exactly once per subscription. */
  lines: LogLinePayload[];
}

/** Lines [fromSeq, toSeq] no longer exist anywhere (expired from every store); the stream goes on after them. */
export interface LogGapPayload {
  deploymentId: string;
  fromSeq: number;
  toSeq: number;
}

/** The build finished and every line up to `lastSeq` was delivered; nothing follows for this subscription. */
export interface LogEndPayload {
  deploymentId: string;
  lastSeq: number;
  status: DeploymentStatusName;
}

export interface DeploymentStatusPayload {
  deploymentId: string;
  projectId: string;
  from: DeploymentStatusName;
  to: DeploymentStatusName;
  failureCode?: string;
  at: string;
}

export interface ServerToClientEvents {
  'logs:lines': (payload: LogLinesPayload) => void;
  'logs:gap': (payload: LogGapPayload) => void;
  'logs:end': (payload: LogEndPayload) => void;
  'deployment:status': (payload: DeploymentStatusPayload) => void;
  /** Sent before the server disconnects a client, with the reason. */
  'gateway:error': (payload: GatewayError) => void;
}

export interface ClientToServerEvents {
  /** Without an ack callback, a refusal comes as a `gateway:error` event instead. */
  'logs:subscribe': (request: SubscribeRequest, ack: (result: SubscribeResult) => void) => void;
  'logs:unsubscribe': (request: UnsubscribeRequest, ack?: (result: { ok: true }) => void) => void;
}
