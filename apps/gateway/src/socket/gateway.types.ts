import type { Principal } from '@deploysphere/auth';
import type { ClientToServerEvents, ServerToClientEvents } from '@deploysphere/contracts';
import type { Server, Socket } from 'socket.io';
import type { LogStreamSession } from '../streaming/log-stream.session';

export interface GatewaySocketData {
  principal: Principal;
  /** Open subscriptions by deployment id. */
  sessions: Map<string, LogStreamSession>;
}

// The third parameter (server-to-server events) is unused.
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, GatewaySocketData>;
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, GatewaySocketData>;

/** Socket.IO room of a deployment's subscribers (status events reach every gateway instance through the adapter). */
export const deploymentRoom = (deploymentId: string) => `deployment:${deploymentId}`;
