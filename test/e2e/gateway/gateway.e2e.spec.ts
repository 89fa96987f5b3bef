import { randomBytes } from 'node:crypto';
import { hashToken, newId } from '@deploysphere/common';
import { DeploymentStatusChangedV1, Topics, type DeploymentStatusName, type EventEnvelope, type GatewayError } from '@deploysphere/contracts';
import { BuildLogPublisher, LOG_SINK, LOG_STORE, type BuildLogLine, type LogStore } from '@deploysphere/logs';
import { MESSAGE_TRANSPORT, type MessageTransport } from '@deploysphere/messaging';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { LogStreamGateway } from '../../../apps/gateway/src/socket/logs.gateway';
import { DeploymentStatusRelay } from '../../../apps/gateway/src/status/deployment-status.relay';
import { requireClickHouse, requireRedis, type TestClickHouse } from '../../support/log-services';
import { connect, connected, range, Recorder, seedTenant, startGateway, until, type GatewayClient, type GatewayInstance, type Tenant } from './gateway-harness';

// The gateway end to end: real Socket.IO clients (socket.io-client) against the gateway app,
// in embedded mode (in-process channel, PGlite, logs in the metadata database) and distributed
// mode (Redis channel + Socket.IO Redis adapter, PostgreSQL, logs in ClickHouse).

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A build as the orchestrator runs it: numbered lines through the LogSink, a status change, the end. */
class FakeBuild {
  written = 0;
  constructor(
    private readonly gateway: GatewayInstance,
    readonly deploymentId: string,
    private readonly projectId: string,
  ) {}

  async write(count: number, batch = 20, pauseMs = 2): Promise<void> {
    const sink = this.gateway.app.get<BuildLogPublisher>(LOG_SINK);
    for (let i = 0; i < count; i += batch) {
      const lines: BuildLogLine[] = [];
      for (let j = 0; j < Math.min(batch, count - i); j++) {
        const seq = ++this.written;
        lines.push({ deploymentId: this.deploymentId, seq, ts: new Date().toISOString(), stream: seq % 10 === 0 ? 'stderr' : 'stdout', message: `step ${seq}: compiling module ${seq % 97}` });
      }
      await sink.write(lines);
      if (pauseMs) await sleep(pauseMs);
    }
  }

  /** What the orchestrator does at the end: status change (outbox → transport), last flush, LogSink.end. */
  async finish(status: DeploymentStatusName = 'READY'): Promise<void> {
    await this.gateway.prisma.deployment.update({ where: { id: this.deploymentId }, data: { status, finishedAt: new Date() } });
    await publishStatus(this.gateway, this.deploymentId, this.projectId, 'BUILDING', status);
    await this.gateway.app.get<BuildLogPublisher>(LOG_SINK).end(this.deploymentId, status);
  }
}

async function publishStatus(gateway: GatewayInstance, deploymentId: string, projectId: string, from: DeploymentStatusName, to: DeploymentStatusName) {
  const envelope: EventEnvelope<DeploymentStatusChangedV1> = {
    id: newId('evt'),
    type: DeploymentStatusChangedV1.type,
    key: deploymentId,
    occurredAt: new Date().toISOString(),
    correlationId: 'test',
    payload: Object.assign(new DeploymentStatusChangedV1(), { deploymentId, projectId, from, to, at: new Date().toISOString() }),
  };
  await gateway.app.get<MessageTransport>(MESSAGE_TRANSPORT).publish([{ topic: Topics.DeploymentStatusChanged, key: deploymentId, value: envelope }]);
}

const subscribe = (client: GatewayClient, deploymentId: string, fromSeq?: number) =>
  client.emitWithAck('logs:subscribe', { deploymentId, ...(fromSeq !== undefined ? { fromSeq } : {}) });

interface Mode {
  env(): Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

let pg: TestDatabase | undefined;
let clickhouse: TestClickHouse | undefined;
const modes: Record<string, Mode> = {
  embedded: {
    // A small live buffer, so late subscribers read most of the backlog from the log store.
    env: async () => ({ LOG_BATCH_MAX_AGE_MS: '100', LOG_LIVE_BUFFER_LINES: '100' }),
    cleanup: async () => undefined,
  },
  distributed: {
    env: async () => {
      const redis = await requireRedis();
      clickhouse = await requireClickHouse();
      pg = await createTestDatabase('postgres');
      return {
        DATABASE_URL: pg.url,
        REDIS_URL: redis,
        CLICKHOUSE_URL: clickhouse.url,
        CLICKHOUSE_DATABASE: clickhouse.database,
        LOG_BATCH_MAX_AGE_MS: '100',
        LOG_LIVE_BUFFER_LINES: '100',
      };
    },
    cleanup: async () => {
      await clickhouse?.drop();
      await pg?.close();
    },
  },
};

describe.each(Object.keys(modes))('gateway (%s)', (modeName) => {
  const mode = modes[modeName];
  let env: Record<string, string>;
  let gateway: GatewayInstance;
  let tenant: Tenant;
  const clients: GatewayClient[] = [];
  const client = async (token = tenant.token) => {
    const c = connect(gateway.url, { token });
    clients.push(c);
    await connected(c);
    return c;
  };

  beforeAll(async () => {
    env = await mode.env();
    gateway = await startGateway(env);
    tenant = await seedTenant(gateway.prisma);
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await gateway?.close();
    await mode.cleanup();
  });

  describe('handshake', () => {
    it('refuses a connection without a token, with an unknown or a revoked one', async () => {
      for (const auth of [undefined, { token: 'dsp_nope' }, { token: 42 }]) {
        const c = connect(gateway.url, auth);
        const err = await new Promise<Error & { data?: { code: string } }>((resolve) => c.once('connect_error', resolve));
        expect(err.data?.code).toBe('UNAUTHORIZED');
        c.disconnect();
      }
      const revoked = await seedTenant(gateway.prisma);
      await gateway.prisma.apiToken.updateMany({ where: { teamId: revoked.teamId }, data: { revokedAt: new Date() } });
      const c = connect(gateway.url, { token: revoked.token });
      const err = await new Promise<Error & { data?: { code: string; message: string } }>((resolve) => c.once('connect_error', resolve));
      expect(err.data).toEqual({ code: 'UNAUTHORIZED', message: 'Token has been revoked' });
      c.disconnect();
    });

    it('accepts a valid token in `auth` or in an Authorization header', async () => {
      await client();
      const viaHeader = connect(gateway.url, undefined, { Authorization: `Bearer ${tenant.token}` });
      clients.push(viaHeader);
      await connected(viaHeader);
    });
  });

  describe('signed-in users', () => {
    it("accept the dashboard's session cookie, acting in the user's team, and refuse an unknown session or a foreign team", async () => {
      const secret = randomBytes(32).toString('base64url');
      const userId = newId('usr');
      await gateway.prisma.user.create({ data: { id: userId, email: `${userId}@example.com`, emailKey: `${userId}@example.com`, name: 'u', passwordHash: 'x' } });
      await gateway.prisma.membership.create({ data: { teamId: tenant.teamId, userId, role: 'viewer' } });
      await gateway.prisma.session.create({ data: { id: newId('ses'), tokenHash: hashToken(secret), userId, expiresAt: new Date(Date.now() + 3_600_000) } });
      const viaCookie = connect(gateway.url, undefined, { Cookie: `ds_session=${secret}` });
      clients.push(viaCookie);
      await connected(viaCookie);
      expect(await subscribe(viaCookie, await tenant.deploymentId())).toMatchObject({ ok: true });
      const stranger = await seedTenant(gateway.prisma);
      expect(await subscribe(viaCookie, await stranger.deploymentId())).toMatchObject({ ok: false, error: { code: 'DEPLOYMENT_NOT_FOUND' } });
      for (const [auth, cookie] of [[undefined, 'ds_session=unknown'], [{ team: stranger.teamId }, `ds_session=${secret}`]] as const) {
        const c = connect(gateway.url, auth, { Cookie: cookie });
        const err = await new Promise<Error & { data?: { code: string } }>((resolve) => c.once('connect_error', resolve));
        expect(err.data?.code).toBe('UNAUTHORIZED');
        c.disconnect();
      }
    });
  });

  describe('subscriptions', () => {
    it('refuses what the token may not see, with a code', async () => {
      const c = await client();
      expect(await subscribe(c, 'not-an-id')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await subscribe(c, await tenant.deploymentId(), -1)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await subscribe(c, await tenant.deploymentId(), 1.5)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const stranger = await seedTenant(gateway.prisma);
      expect(await subscribe(c, await stranger.deploymentId())).toMatchObject({ ok: false, error: { code: 'DEPLOYMENT_NOT_FOUND' } });
      const scopeless = await seedTenant(gateway.prisma, []);
      const weak = await client(scopeless.token);
      expect(await subscribe(weak, await scopeless.deploymentId())).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_SCOPE' } });
    });

    it('reads fromSeq 0 as from the start', async () => {
      const dep = await tenant.deploymentId();
      const build = new FakeBuild(gateway, dep, tenant.projectId);
      await build.write(30);
      const c = await client();
      const rec = new Recorder(c, dep);
      expect(await subscribe(c, dep, 0)).toEqual({ ok: true, deploymentId: dep, fromSeq: 1, status: 'BUILDING' });
      await until(() => rec.seqs.length >= 30, 20_000, 'backlog from line 1');
      expect(rec.seqs).toEqual(range(1, 30));
    });

    it('answers a refused subscription without an ack callback with a gateway:error event', async () => {
      const c = await client();
      const errors: GatewayError[] = [];
      c.on('gateway:error', (e) => errors.push(e));
      const stranger = await seedTenant(gateway.prisma);
      const hidden = await stranger.deploymentId();
      // A plain emit, as a client without acknowledgements sends it.
      const untyped = c as unknown as { emit(event: string, body: unknown): void };
      untyped.emit('logs:subscribe', { deploymentId: hidden, fromSeq: -3 });
      untyped.emit('logs:subscribe', { deploymentId: hidden });
      await until(() => errors.length >= 2, 10_000, 'two error events');
      expect(errors).toEqual([
        expect.objectContaining({ code: 'VALIDATION_FAILED', deploymentId: hidden }),
        expect.objectContaining({ code: 'DEPLOYMENT_NOT_FOUND', deploymentId: hidden }),
      ]);
    });

    it('streams a build exactly once and in order: from the start, joined mid-build, from a line, and after the end', async () => {
      const dep = await tenant.deploymentId();
      const build = new FakeBuild(gateway, dep, tenant.projectId);
      const early = await client();
      const earlyRec = new Recorder(early, dep);
      expect(await subscribe(early, dep)).toEqual({ ok: true, deploymentId: dep, fromSeq: 1, status: 'BUILDING' });

      const writing = build.write(3000);
      await until(() => build.written >= 1200, 20_000, 'build progress');
      // Joining while the build writes: the backlog is read while new lines keep arriving.
      const mid = await client();
      const midRec = new Recorder(mid, dep);
      const fromLine = await client();
      const fromLineRec = new Recorder(fromLine, dep);
      expect(await subscribe(mid, dep)).toMatchObject({ ok: true });
      expect(await subscribe(fromLine, dep, 1000)).toMatchObject({ ok: true, fromSeq: 1000 });
      await writing;
      await build.finish('READY');

      for (const rec of [earlyRec, midRec, fromLineRec]) await until(() => rec.end !== undefined, 30_000, 'end of stream');
      expect(earlyRec.seqs).toEqual(range(1, 3000));
      expect(midRec.seqs).toEqual(range(1, 3000));
      expect(fromLineRec.seqs).toEqual(range(1000, 3000));
      for (const rec of [earlyRec, midRec, fromLineRec]) {
        expect(rec.end).toEqual({ lastSeq: 3000, status: 'READY' });
        expect(rec.gaps).toEqual([]);
      }
      await until(() => earlyRec.statuses.includes('READY'), 10_000, 'status event');

      // After the end: the whole log from the stores (the live buffer holds the last 100), then the end.
      const store = gateway.app.get<LogStore>(LOG_STORE);
      const storeReads = jest.spyOn(store, 'readBuildLines');
      const late = await client();
      const lateRec = new Recorder(late, dep);
      expect(await subscribe(late, dep)).toMatchObject({ ok: true, status: 'READY' });
      await until(() => lateRec.end !== undefined, 30_000, 'end for a late subscriber');
      expect(lateRec.seqs).toEqual(range(1, 3000));
      expect(storeReads).toHaveBeenCalled();
      storeReads.mockRestore();

      // And the same lines are in the log store, for search.
      let stored = 0;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
        stored = (await store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 5000 })).length;
        if (stored >= 3000) break;
      }
      expect(stored).toBe(3000);
      expect((await store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 5000, stream: 'stderr' })).length).toBe(300);
    });

    it('relays status changes and ends the stream of a deployment that fails without lines', async () => {
      const dep = await tenant.deploymentId();
      const c = await client();
      const rec = new Recorder(c, dep);
      await subscribe(c, dep);
      await publishStatus(gateway, dep, tenant.projectId, 'BUILDING', 'UPLOADING');
      await until(() => rec.statuses.includes('UPLOADING'), 10_000, 'status event');
      await new FakeBuild(gateway, dep, tenant.projectId).finish('FAILED');
      await until(() => rec.end !== undefined, 10_000, 'end');
      expect(rec.statuses).toEqual(['UPLOADING', 'FAILED']);
      expect(rec.end).toEqual({ lastSeq: 0, status: 'FAILED' });
    });

    it('ends a finished deployment\'s stream from its status when no orchestrator ends it', async () => {
      gateway.app.get(DeploymentStatusRelay).endGraceMs = 200;
      const dep = await tenant.deploymentId();
      const build = new FakeBuild(gateway, dep, tenant.projectId);
      const c = await client();
      const rec = new Recorder(c, dep);
      await subscribe(c, dep);
      await build.write(10, 10, 0);
      await publishStatus(gateway, dep, tenant.projectId, 'BUILDING', 'FAILED');
      await until(() => rec.end !== undefined, 10_000, 'end');
      expect(rec.seqs).toEqual(range(1, 10));
      expect(rec.end).toEqual({ lastSeq: 10, status: 'FAILED' });
    });
  });

  describe('a client that does not read', () => {
    it('is disconnected with SLOW_CONSUMER once its buffer passes the cap, and the server frees it', async () => {
      const dep = await tenant.deploymentId();
      const c = await client();
      const rec = new Recorder(c, dep);
      await subscribe(c, dep);
      const reasons: string[] = [];
      const socketId = c.id!;
      c.on('disconnect', (reason) => reasons.push(reason));
      // Stop reading the TCP connection: the server's writes back up.
      const raw = (c.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
      raw.pause();
      const build = new FakeBuild(gateway, dep, tenant.projectId);
      const sink = gateway.app.get<BuildLogPublisher>(LOG_SINK);
      const big = 'x'.repeat(16_000);
      // Lines until the server gives up on the client (its socket leaves the server), then the
      // client reads again at once: the server cuts a client that still does not read a few
      // seconds later, and a loaded machine must not make this test that client.
      const server = gateway.app.get(LogStreamGateway).server!;
      for (let i = 0; server.sockets.sockets.has(socketId); i += 50) {
        if (i >= 3000) throw new Error('the server kept a client that read nothing for 3,000 lines of 16 kB');
        const lines: BuildLogLine[] = range(i + 1, i + 50).map((seq) => ({ deploymentId: dep, seq, ts: new Date().toISOString(), stream: 'stdout', message: big }));
        build.written = i + 50;
        await sink.write(lines);
        await sleep(1);
      }
      raw.resume();
      // Once the client reads again it learns why.
      await until(() => reasons.length > 0, 20_000, 'disconnect');
      expect(rec.errors).toContainEqual(expect.objectContaining({ code: 'SLOW_CONSUMER' }));
      expect(reasons[0]).toBe('io server disconnect');
      expect(server.sockets.sockets.has(socketId)).toBe(false);
    });
  });

  if (modeName === 'distributed') {
    describe('several gateway instances', () => {
      let second: GatewayInstance;
      beforeAll(async () => {
        second = await startGateway(env);
      });
      afterAll(() => second?.close());

      it('a client on gateway B sees lines, status and end published through gateway A', async () => {
        const dep = await tenant.deploymentId();
        const onB = connect(second.url, { token: tenant.token });
        clients.push(onB);
        await connected(onB);
        const rec = new Recorder(onB, dep);
        expect(await subscribe(onB, dep)).toMatchObject({ ok: true });
        const build = new FakeBuild(gateway, dep, tenant.projectId);
        await build.write(500, 25, 1);
        // Status consumed by A only (A's transport): reaches B's client through the Redis adapter.
        await build.finish('READY');
        await until(() => rec.end !== undefined && rec.statuses.includes('READY'), 20_000, 'end and status on B');
        expect(rec.seqs).toEqual(range(1, 500));
        expect(rec.end).toEqual({ lastSeq: 500, status: 'READY' });
        expect(rec.statuses).toEqual(['READY']);
      });
    });
  }
});
