import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, DeploymentStatusChange, GatewayError, LogEnd, LogLine, ServerToClientEvents } from './live-logs.protocol';

export interface FollowLogsOptions {
  /** First line wanted (default 1). After a reconnect the stream resumes after the last line it yielded. */
  fromSeq?: number;
  onStatus?: (change: DeploymentStatusChange) => void;
  /** Lines that exist nowhere any more (expired); the stream goes on after them. */
  onGap?: (gap: { fromSeq: number; toSeq: number }) => void;
  onEnd?: (end: LogEnd) => void;
  /** Stops the stream (the iterator then ends without an error). */
  signal?: AbortSignal;
  /** Without a token (the session cookie authenticates): the acting team of a user in several. */
  team?: string;
}

/** The gateway refused the connection or the subscription. */
export class LiveLogError extends Error {
  constructor(readonly code: GatewayError['code'] | 'CONNECT_FAILED', message: string) {
    super(message);
    this.name = 'LiveLogError';
  }
}

type Item = { line: LogLine } | { end: true } | { error: Error };

/**
 * A deployment's build log, live, as an async iterator of lines in `seq` order: the backlog
 * first, then lines as they are written, until the build ends. Socket.IO reconnects on its own;
 * each (re)connection subscribes from the line after the last one yielded, so a dropped
 * connection neither loses nor repeats a line.
 */
export async function* followLogs(gatewayUrl: string, token: string | undefined, deploymentId: string, options: FollowLogsOptions = {}): AsyncGenerator<LogLine, LogEnd | undefined> {
  let next = options.fromSeq ?? 1;
  let end: LogEnd | undefined;
  const queue: Item[] = [];
  let wake: (() => void) | undefined;
  const push = (item: Item) => {
    queue.push(item);
    wake?.();
  };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(gatewayUrl, {
    // Without a token (a browser page) the handshake carries the session cookie.
    auth: token === undefined ? (options.team ? { team: options.team } : {}) : { token },
    transports: ['websocket'],
    reconnectionDelayMax: 5_000,
  });
  const subscribe = () => {
    socket.emit('logs:subscribe', { deploymentId, fromSeq: next }, (result) => {
      if (!result.ok) push({ error: new LiveLogError(result.error.code, result.error.message) });
    });
  };
  socket.on('connect', subscribe);
  socket.on('connect_error', (error: Error & { data?: { code?: GatewayError['code'] } }) => {
    // A refused handshake is final; a network error is retried by Socket.IO.
    if (!socket.active) push({ error: new LiveLogError(error.data?.code ?? 'CONNECT_FAILED', error.message) });
  });
  socket.on('logs:lines', ({ deploymentId: id, lines }) => {
    if (id !== deploymentId) return;
    for (const line of lines) if (line.seq >= next) push({ line });
  });
  socket.on('logs:gap', ({ deploymentId: id, fromSeq, toSeq }) => {
    if (id !== deploymentId) return;
    next = Math.max(next, toSeq + 1);
    options.onGap?.({ fromSeq, toSeq });
  });
  socket.on('deployment:status', (change) => {
    if (change.deploymentId === deploymentId) options.onStatus?.(change);
  });
  socket.on('logs:end', (payload) => {
    if (payload.deploymentId !== deploymentId) return;
    end = payload;
    push({ end: true });
  });
  socket.on('gateway:error', (error) => {
    // SLOW_CONSUMER is followed by a disconnect and a reconnect from `next`; the rest are final.
    if (error.code !== 'SLOW_CONSUMER') push({ error: new LiveLogError(error.code, error.message) });
  });
  const onAbort = () => push({ end: true });
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const item = queue.shift()!;
      if ('error' in item) throw item.error;
      if ('end' in item) break;
      if (item.line.seq < next) continue;
      next = item.line.seq + 1;
      yield item.line;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    socket.disconnect();
  }
  if (end) options.onEnd?.(end);
  return end;
}
