import type { DeploymentStatusName } from '@deploysphere/contracts';
import type { LogLine } from '@deploysphere/logs';
import type { GatewaySocket } from '../socket/gateway.types';
import type { SessionSink } from './log-stream.session';

interface EngineConnection {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
}

/**
 * Bytes queued for a client that it has not read yet: packets engine.io holds (the transport
 * is busy, or a long-polling client has not polled) plus what the WebSocket has handed to the
 * kernel-bound stream but not written (`ws.bufferedAmount`). This is the memory a slow client
 * costs the server, so it is what the cap applies to.
 */
export function socketBufferedBytes(socket: GatewaySocket): number {
  const conn = socket.conn as unknown as EngineConnection;
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
  }
  return bytes;
}

/** A session's output on a Socket.IO socket. */
export class SocketSessionSink implements SessionSink {
  constructor(
    private readonly socket: GatewaySocket,
    private readonly deploymentId: string,
    private readonly onOverflow: (buffered: number) => void,
  ) {}

  lines(lines: LogLine[]): void {
    this.socket.emit('logs:lines', { deploymentId: this.deploymentId, lines });
  }

  gap(fromSeq: number, toSeq: number): void {
    this.socket.emit('logs:gap', { deploymentId: this.deploymentId, fromSeq, toSeq });
  }

  end(lastSeq: number, status: DeploymentStatusName): void {
    this.socket.emit('logs:end', { deploymentId: this.deploymentId, lastSeq, status });
  }

  buffered(): number {
    return socketBufferedBytes(this.socket);
  }

  async waitBelow(bytes: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.socket.connected) {
      if (this.buffered() <= bytes) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  overflow(buffered: number): void {
    this.onOverflow(buffered);
  }

  failed(message: string): void {
    this.socket.emit('gateway:error', { code: 'UNAVAILABLE', message, deploymentId: this.deploymentId });
  }
}
