import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { sampledGauge } from '@deploysphere/observability';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { hasScope, readCookie, SESSION_COOKIE, SessionAuthenticator, TokenAuthenticator, type Principal } from '@deploysphere/auth';
import { DomainError, ID_PATTERN } from '@deploysphere/common';
import { logsConfig, type ConfigType } from '@deploysphere/config';
import type { DeploymentStatusChangedV1, GatewayError, GatewayErrorCode, SubscribeResult } from '@deploysphere/contracts';
import { LIVE_LOG_BUS, LOG_STORE, type LiveLogBus, type LogStore } from '@deploysphere/logs';
import { DeploymentAccess } from '../streaming/deployment-access';
import { DEFAULT_SESSION_OPTIONS, LogStreamSession, type SessionOptions } from '../streaming/log-stream.session';
import { SocketSessionSink } from '../streaming/socket-session.sink';
import { isGatewayIoServer } from './gateway-io.adapter';
import { deploymentRoom, type GatewayServer, type GatewaySocket } from './gateway.types';

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
/** How long a disconnected slow client gets to read its last messages before the connection is cut. */
const SLOW_CONSUMER_GRACE_MS = 5_000;
const WS_CLOSED = 3;

const refuse = (code: GatewayErrorCode, message: string, deploymentId?: string): SubscribeResult => ({
  ok: false,
  error: { code, message, ...(deploymentId ? { deploymentId } : {}) },
});

/**
 * The live build-log endpoint. The handshake needs an API token (`auth: { token }` or an
 * `Authorization: Bearer` header) or, from the dashboard, the session cookie (acting team:
 * `auth: { team }`, else the user's first), checked like the REST API's. A client then subscribes to
 * deployments its team owns; each subscription is a LogStreamSession (backlog, then live tail,
 * each line once). Status changes reach the deployment's room on every instance through the
 * Socket.IO adapter (Redis when distributed).
 */
@WebSocketGateway({ path: '/socket.io' })
export class LogStreamGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('LogStreamGateway');
  @WebSocketServer() server?: GatewayServer;
  private readonly sessionOptions: SessionOptions;
  private unregisterMetrics?: () => void;

  constructor(
    private readonly authenticator: TokenAuthenticator,
    private readonly sessions: SessionAuthenticator,
    private readonly access: DeploymentAccess,
    @Inject(LIVE_LOG_BUS) private readonly bus: LiveLogBus,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(logsConfig.KEY) cfg: ConfigType<typeof logsConfig>,
  ) {
    this.sessionOptions = { ...DEFAULT_SESSION_OPTIONS, bufferMax: cfg.socketBufferMax };
  }

  afterInit(server: GatewayServer): void {
    this.unregisterMetrics = sampledGauge('deploysphere_live_log_subscribers', 'Live log subscriptions (one client following one deployment) on this gateway.').add((set) => {
      let n = 0;
      for (const socket of server.sockets.sockets.values()) n += socket.data.sessions?.size ?? 0;
      set({}, n);
    });
    if (!isGatewayIoServer(server)) {
      // Still authenticated and working, but on the app's own HTTP server and without the Redis adapter.
      this.logger.error(
        'Socket.IO is not on GATEWAY_PORT: the process composing the gateway must call ' +
          'app.useWebSocketAdapter(new GatewayIoAdapter(app)) before app.init() (apps/gateway/src/socket/gateway-io.adapter.ts)',
      );
    }
    server.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          const domain = err instanceof DomainError ? err : undefined;
          if (!domain) this.logger.error({ err: String(err) }, 'handshake authentication failed');
          const data: GatewayError = domain?.kind === 'unauthorized' || domain?.kind === 'not_found'
            ? { code: 'UNAUTHORIZED', message: domain.message }
            : { code: 'UNAVAILABLE', message: 'Authentication is unavailable; try again' };
          next(Object.assign(new Error(data.message), { data }));
        },
      );
    });
  }

  handleDisconnect(socket: GatewaySocket): void {
    this.closeAll(socket);
  }

  async onModuleDestroy(): Promise<void> {
    this.unregisterMetrics?.();
    for (const socket of this.server?.sockets.sockets.values() ?? []) this.closeAll(socket);
  }

  @SubscribeMessage('logs:subscribe')
  async subscribe(@ConnectedSocket() socket: GatewaySocket, @MessageBody() body: unknown, @Ack() ack?: (result: SubscribeResult) => void): Promise<void> {
    // A client that sent no ack callback still hears why it gets nothing: the refusal as an error event.
    const reply = ack ?? ((result: SubscribeResult) => void (result.ok ? undefined : socket.emit('gateway:error', result.error)));
    const request = body as { deploymentId?: unknown; fromSeq?: unknown } | null;
    const deploymentId = request?.deploymentId;
    const requested = request?.fromSeq ?? 1;
    if (typeof deploymentId !== 'string' || !ID_PATTERN.test(deploymentId)) {
      return reply(refuse('VALIDATION_FAILED', 'deploymentId must be a deployment id'));
    }
    if (typeof requested !== 'number' || !Number.isSafeInteger(requested) || requested < 0) {
      return reply(refuse('VALIDATION_FAILED', 'fromSeq must be an integer >= 0 (0 and 1 both mean from the start)', deploymentId));
    }
    // Lines are numbered from 1; 0 is what most clients send for "from the start".
    const fromSeq = Math.max(1, requested);
    if (!hasScope(socket.data.principal, 'read')) return reply(refuse('INSUFFICIENT_SCOPE', 'This needs a token with the "read" scope', deploymentId));
    const sessions = socket.data.sessions;
    if (!sessions.has(deploymentId) && sessions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return reply(refuse('TOO_MANY_SUBSCRIPTIONS', `At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per connection`, deploymentId));
    }
    // Join the room before reading the status, so no status change falls between the two.
    await socket.join(deploymentRoom(deploymentId));
    let status;
    try {
      status = await this.access.visibleStatus(socket.data.principal.teamId, deploymentId);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'deployment lookup failed');
      return reply(refuse('UNAVAILABLE', 'The deployment could not be looked up; try again', deploymentId));
    }
    if (!status) {
      await socket.leave(deploymentRoom(deploymentId));
      return reply(refuse('DEPLOYMENT_NOT_FOUND', `deployment ${deploymentId} was not found`, deploymentId));
    }
    await sessions.get(deploymentId)?.close();
    const sink = new SocketSessionSink(socket, deploymentId, (buffered) => this.disconnectSlow(socket, buffered));
    const session = new LogStreamSession(deploymentId, fromSeq, status, this.bus, this.store, sink, this.sessionOptions);
    sessions.set(deploymentId, session);
    try {
      await session.subscribe();
    } catch (err) {
      sessions.delete(deploymentId);
      this.logger.error({ err: String(err) }, 'live log subscribe failed');
      return reply(refuse('UNAVAILABLE', 'The live log channel is unavailable; try again', deploymentId));
    }
    // The answer first, then the backlog, so a client sees its subscription confirmed before lines.
    reply({ ok: true, deploymentId, fromSeq, status });
    if (socket.connected && sessions.get(deploymentId) === session) session.begin();
    else await session.close();
  }

  @SubscribeMessage('logs:unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: GatewaySocket, @MessageBody() body: unknown, @Ack() ack?: (result: { ok: true }) => void): Promise<void> {
    const deploymentId = (body as { deploymentId?: unknown } | null)?.deploymentId;
    if (typeof deploymentId === 'string') {
      const session = socket.data.sessions.get(deploymentId);
      socket.data.sessions.delete(deploymentId);
      await session?.close();
      await socket.leave(deploymentRoom(deploymentId));
    }
    ack?.({ ok: true });
  }

  /** Relays a status change to the deployment's subscribers on every gateway instance. */
  broadcastStatus(event: DeploymentStatusChangedV1): void {
    this.server?.to(deploymentRoom(event.deploymentId)).emit('deployment:status', {
      deploymentId: event.deploymentId,
      projectId: event.projectId,
      from: event.from,
      to: event.to,
      ...(event.failureCode ? { failureCode: event.failureCode } : {}),
      at: event.at,
    });
  }

  private closeAll(socket: GatewaySocket): void {
    const sessions = socket.data.sessions;
    if (!sessions) return;
    for (const session of sessions.values()) void session.close();
    sessions.clear();
  }

  /**
   * The client is not reading: tell it why, disconnect it, and if it still does not read what
   * is queued, cut the connection, which frees the buffers it holds.
   */
  private disconnectSlow(socket: GatewaySocket, buffered: number): void {
    if (!socket.connected) return;
    this.logger.warn({ socket: socket.id, buffered, max: this.sessionOptions.bufferMax }, 'slow gateway client disconnected');
    this.closeAll(socket);
    socket.emit('gateway:error', {
      code: 'SLOW_CONSUMER',
      message: `The client read too slowly: ${buffered} bytes were waiting (limit ${this.sessionOptions.bufferMax}). Reconnect and subscribe with fromSeq to resume.`,
    });
    const ws = (socket.conn as unknown as { transport?: { socket?: { readyState?: number; terminate?: () => void } } }).transport?.socket;
    socket.disconnect(true);
    setTimeout(() => {
      if (ws && ws.readyState !== WS_CLOSED) ws.terminate?.();
    }, SLOW_CONSUMER_GRACE_MS).unref();
  }

  private async authenticate(socket: GatewaySocket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown; team?: unknown } | undefined;
    const { authorization, cookie } = socket.handshake.headers;
    socket.data.principal =
      typeof auth?.token === 'string'
        ? await this.authenticator.authenticateToken(auth.token)
        : authorization === undefined && readCookie(cookie, SESSION_COOKIE)
          ? await this.signedIn(readCookie(cookie, SESSION_COOKIE), typeof auth?.team === 'string' ? auth.team : undefined)
          : await this.authenticator.authenticate(authorization);
    socket.data.sessions = new Map();
  }

  /** Reading logs changes nothing, so a session needs no CSRF token here; SameSite=Lax keeps other sites' pages from using it. */
  private async signedIn(secret: string | undefined, teamId: string | undefined): Promise<Principal> {
    const identity = await this.sessions.authenticate(secret, teamId);
    return { teamId: identity.team?.id ?? '', role: identity.team?.role, operator: false, userId: identity.userId, sessionId: identity.sessionId };
  }
}
