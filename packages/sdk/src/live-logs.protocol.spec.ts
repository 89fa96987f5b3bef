import { SocketEvents, TERMINAL_STATUSES as CONTRACT_TERMINAL, type ClientToServerEvents, type ServerToClientEvents } from '@deploysphere/contracts';
import { TERMINAL_STATUSES, type ClientToServerEvents as SdkClientToServer, type ServerToClientEvents as SdkServerToClient } from './live-logs.protocol';

// Type-level: each side accepts the other's handlers, so a change to the gateway's contract
// that this package does not mirror fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const serverEventsMatch: Same<Parameters<ServerToClientEvents['logs:lines']>[0], Parameters<SdkServerToClient['logs:lines']>[0]> &
  Same<Parameters<ServerToClientEvents['logs:end']>[0], Parameters<SdkServerToClient['logs:end']>[0]> &
  Same<Parameters<ServerToClientEvents['logs:gap']>[0], Parameters<SdkServerToClient['logs:gap']>[0]> &
  Same<Parameters<ServerToClientEvents['deployment:status']>[0], Parameters<SdkServerToClient['deployment:status']>[0]> &
  Same<Parameters<ServerToClientEvents['gateway:error']>[0], Parameters<SdkServerToClient['gateway:error']>[0]> = true;
const clientEventsMatch: Same<Parameters<ClientToServerEvents['logs:subscribe']>[0], Parameters<SdkClientToServer['logs:subscribe']>[0]> &
  Same<Parameters<Parameters<ClientToServerEvents['logs:subscribe']>[1]>[0], Parameters<Parameters<SdkClientToServer['logs:subscribe']>[1]>[0]> = true;

describe('the live-log protocol mirrored by the SDK', () => {
  it('has the gateway contract’s event names and terminal statuses', () => {
    expect(serverEventsMatch && clientEventsMatch).toBe(true);
    const sdkEvents: Array<keyof SdkServerToClient | keyof SdkClientToServer> = ['logs:subscribe', 'logs:unsubscribe', 'logs:lines', 'logs:gap', 'logs:end', 'deployment:status', 'gateway:error'];
    expect(sdkEvents.sort()).toEqual(Object.values(SocketEvents).sort());
    expect([...TERMINAL_STATUSES]).toEqual([...CONTRACT_TERMINAL]);
  });
});
