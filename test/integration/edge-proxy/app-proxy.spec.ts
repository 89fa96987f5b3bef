import { Logger } from '@nestjs/common';
import Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { newId } from '@deploysphere/common';
import { DeploymentTrafficSeenV1, DeploymentUpstreamsChangedV1, DeploymentWakeRequestedV1, Topics } from '@deploysphere/contracts';
import { ConsumerHost, DEFAULT_MESSAGING_OPTIONS, InMemoryTransport } from '@deploysphere/messaging';
import { startEdge, testEdgeSettings, type RunningEdge } from '../../../apps/edge-router/test-support/edge-harness';
import { routeEvents, publish } from '../../../apps/edge-router/test-support/route-events';
import { RouteTableSync } from '../../../apps/edge-router/src/routing/route-table.sync';
import { BuildNetworkFirewall } from '../../../apps/orchestrator/src/runner/docker/build-network.firewall';
import { DockerAppRuntime, probeHealth, type AppInstance, type AppSpec } from '../../../apps/orchestrator/src/runtime';
import { testAppImage, waitFor } from '../../support/apps';

const docker = new Docker();
const SUFFIX = randomBytes(4).toString('hex');
const NETWORK = `ds-proxy-test-${SUFFIX}`;
const SCOPE = `proxy-test-${SUFFIX}`;
const FIREWALL_ID = `proxy-test-${SUFFIX}`;
const MAX_BODY = 8 * 1024 * 1024;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: () => any;
}

/**
 * The edge as a reverse proxy to real containers (the platform's docker runtime, hardened, on its
 * own network): an Express app and a ws echo app behind the production class graph (route table
 * kept by RouteTableSync from route events on the in-memory transport, request handler, proxy,
 * raw node:http server).
 */
describe('edge proxy to server apps (real containers)', () => {
  let expressImage: string;
  let wsImage: string;
  let runtime: DockerAppRuntime;
  let edge: RunningEdge;
  let transport: InMemoryTransport;
  const published: object[] = [];
  const started: string[] = [];
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

  const launch = async (env: Record<string, string>, replicas = 1, image = expressImage): Promise<{ deploymentId: string; projectId: string; instances: AppInstance[] }> => {
    const spec: AppSpec = {
      deploymentId: newId('dpl'),
      projectId: newId('prj'),
      artifact: { kind: 'image', ref: image },
      port: 3000,
      replicas,
      env,
      limits: { memoryMb: 192, cpus: 1, pids: 128 },
    };
    started.push(spec.deploymentId);
    const instances = await runtime.start(spec);
    for (const i of instances) await waitFor(() => probeHealth(i.address!, '/healthz'), 60_000, `instance ${i.replica} healthy`);
    return { deploymentId: spec.deploymentId, projectId: spec.projectId, instances };
  };

  /** Ready (with its instances) and, for production, the alias move, as the orchestrator publishes them; resolves once the edge applied them. */
  const goLive = async (app: { deploymentId: string; projectId: string; instances: AppInstance[] }, slug: string, production = true) => {
    const upstreams = app.instances.map((i) => i.address!);
    await routeEvents.ready(transport, { deploymentId: app.deploymentId, projectId: app.projectId, slug, target: 'PRODUCTION', upstreams, readyAt: new Date().toISOString() });
    if (production) await moveAlias(app, slug);
    else await waitFor(() => edge.table.deployment(app.deploymentId) !== undefined, 5_000, 'ready applied');
  };
  const moveAlias = async (app: { deploymentId: string; projectId: string }, slug: string) => {
    await routeEvents.aliasMoved(transport, { projectId: app.projectId, slug, deploymentId: app.deploymentId, movedAt: new Date().toISOString() });
    await waitFor(() => {
      const r = edge.table.resolve(`${slug}.localhost`);
      return r.kind === 'deployment' && r.deployment.id === app.deploymentId;
    }, 5_000, 'alias applied');
  };

  const call = (host: string, path: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | AsyncIterable<Buffer>; agent?: Agent | false } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      // node's client frames a DELETE/OPTIONS body by nothing unless told its length.
      const length: Record<string, string> = Buffer.isBuffer(options.body) ? { 'content-length': String(options.body.length) } : {};
      const req = request(
        { host: '127.0.0.1', port: edge.port, path, method: options.method ?? 'GET', headers: { host, ...length, ...options.headers }, agent: options.agent ?? false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      const body = options.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else
        void (async () => {
          for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
          req.end();
        })().catch(reject);
    });

  async function* chunks(total: number, size = 256 * 1024): AsyncIterable<Buffer> {
    for (let sent = 0; sent < total; sent += size) yield Buffer.alloc(Math.min(size, total - sent), sent % 251);
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    [expressImage, wsImage] = [await testAppImage('proxy-express-app'), await testAppImage('ws-echo-app')];
    runtime = new DockerAppRuntime({ network: NETWORK, scope: SCOPE, firewall: { instanceId: FIREWALL_ID } });
    transport = new InMemoryTransport();
    edge = await startEdge({
      transport,
      settings: { proxyConnectTimeoutMs: 1_500, proxyResponseTimeoutMs: 4_000, proxyMaxBodyBytes: MAX_BODY, wakeTimeoutMs: 20_000 },
      reportIntervalMs: 200,
      wakeRepeatMs: 300,
    });
    const consumer = new ConsumerHost(transport, { ...DEFAULT_MESSAGING_OPTIONS, retryBaseMs: 1 });
    await consumer.consume('proxy-test-observer', [Topics.DeploymentWakeRequested, Topics.DeploymentTrafficSeen], async (event) => {
      published.push(event);
    });
    const sync = new RouteTableSync(edge.table, edge.manifests, new ConsumerHost(transport, { ...DEFAULT_MESSAGING_OPTIONS, retryBaseMs: 1 }), { load: async () => ({ projects: [], deployments: [], domains: [] }) }, testEdgeSettings({ instanceId: `proxy-${SUFFIX}` }));
    await sync.onApplicationBootstrap();
    await sync.ready;
  }, 900_000);

  afterAll(async () => {
    keepAlive.destroy();
    await edge?.close();
    await transport?.close();
    for (const id of started) await runtime.stop(id, 0).catch(() => undefined);
    const bridge = await runtime?.bridgeOf().catch(() => undefined);
    if (bridge) await new BuildNetworkFirewall({ bridge, instanceId: FIREWALL_ID }).remove().catch(() => undefined);
    await docker.getNetwork(NETWORK).remove().catch(() => undefined);
  }, 180_000);

  describe('one Express instance', () => {
    let app: { deploymentId: string; projectId: string; instances: AppInstance[] };
    const host = 'express.localhost';

    beforeAll(async () => {
      app = await launch({ APP_NAME: 'express-v1' });
      await goLive(app, 'express');
    }, 180_000);

    it('forwards every method with its body, and the answer comes back whole', async () => {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const body = method === 'GET' || method === 'HEAD' ? undefined : randomBytes(100_000);
        const reply = await call(host, '/inspect?q=1', { method, body, headers: body ? { 'content-type': 'application/octet-stream' } : {} });
        expect([method, reply.status]).toEqual([method, 200]);
        if (method === 'HEAD') {
          expect(reply.body.length).toBe(0);
          continue;
        }
        const seen = reply.json();
        expect(seen).toMatchObject({ app: 'express-v1', method, url: '/inspect?q=1', bodyBytes: body?.length ?? 0 });
        if (body) expect(seen.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      }
      await edge.accessLog.flush();
      const records = edge.accessLog.recent().filter((r) => r.deploymentId === app.deploymentId && r.path === '/inspect');
      expect(records.length).toBeGreaterThanOrEqual(7);
      expect(records.every((r) => r.status === 200 && r.projectId === app.projectId && r.durationMs > 0)).toBe(true);
      expect(records.find((r) => r.method === 'GET')!.bytes).toBeGreaterThan(100);
    }, 60_000);

    it('streams a chunked request body up and a large response down, unchanged', async () => {
      const size = 6 * 1024 * 1024 + 123;
      const expected = createHash('sha256');
      for await (const c of chunks(size)) expected.update(c);
      const echoed = await call(host, '/echo', { method: 'POST', body: chunks(size) });
      expect(echoed.status).toBe(200);
      expect(echoed.body.length).toBe(size);
      expect(createHash('sha256').update(echoed.body).digest('hex')).toBe(expected.digest('hex'));

      const streamed = await call(host, '/stream?mb=24');
      expect(streamed.status).toBe(200);
      expect(streamed.body.length).toBe(24 * 1024 * 1024);
      await edge.accessLog.flush();
      const record = edge.accessLog.recent().find((r) => r.path === '/stream' && r.deploymentId === app.deploymentId)!;
      expect(record.bytes).toBe(24 * 1024 * 1024);
    }, 120_000);

    it('applies backpressure: a client that stops reading stops the app from writing', async () => {
      const total = 256 * 1024 * 1024;
      let received = 0;
      const req = request({ host: '127.0.0.1', port: edge.port, path: `/stream?mb=${total / 1024 / 1024}`, headers: { host }, agent: false });
      const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
        req.end();
      });
      response.on('data', (c: Buffer) => {
        received += c.length;
        if (received > 1024 * 1024) response.pause();
      });
      // Once paused, the bytes in flight stop growing: socket buffers of both hops, a few MiB at most.
      await waitFor(() => received > 1024 * 1024, 30_000, 'first bytes');
      let last = -1;
      await waitFor(async () => {
        await new Promise((r) => setTimeout(r, 500));
        const snapshot = received;
        const stalled = snapshot === last;
        last = snapshot;
        return stalled;
      }, 30_000, 'the transfer to stall');
      const memory = (await docker.getContainer(app.instances[0].id).stats({ stream: false })) as { memory_stats: { usage: number } };
      expect(received).toBeLessThan(total / 8);
      // The app did not buffer the rest either (it writes with backpressure): far below 256 MiB.
      expect(memory.memory_stats.usage).toBeLessThan(150 * 1024 * 1024);
      req.destroy();
    }, 90_000);

    it('sets X-Forwarded-For (appended), -Proto and -Host, keeps Host, and drops hop-by-hop headers both ways', async () => {
      const reply = await call(host, '/inspect', {
        headers: {
          'x-forwarded-for': '203.0.113.9',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'evil.example',
          connection: 'keep-alive, X-Client-Hop',
          'x-client-hop': 'secret',
          te: 'trailers',
          'keep-alive': 'timeout=5',
          'proxy-authorization': 'Basic Zm9vOmJhcg==',
          'x-end-to-end': 'kept',
        },
      });
      expect(reply.status).toBe(200);
      const seen = reply.json().headers as Record<string, string>;
      expect(seen['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      expect(seen['x-forwarded-proto']).toBe('http');
      expect(seen['x-forwarded-host']).toBe(host);
      expect(seen.host).toBe(host);
      expect(seen['x-end-to-end']).toBe('kept');
      for (const name of ['x-client-hop', 'te', 'keep-alive', 'proxy-authorization']) expect([name, seen[name]]).toEqual([name, undefined]);

      const hop = await call(host, '/hop');
      expect(hop.status).toBe(200);
      expect(hop.headers['x-end-to-end']).toBe('kept');
      expect(hop.headers['x-hop-secret']).toBeUndefined();
      expect(hop.headers['keep-alive']).toBeUndefined();
    }, 60_000);

    it('answers 413 for a body past the limit (declared or streamed), 504 past the response timeout, with the edge pages', async () => {
      const declared = await call(host, '/inspect', { method: 'POST', body: Buffer.alloc(MAX_BODY + 1) });
      expect(declared.status).toBe(413);
      expect(declared.body.toString()).toContain('Request body too large');
      const streamed = await call(host, '/echo', { method: 'POST', body: chunks(MAX_BODY + 512 * 1024) }).catch((err: Error) => ({ status: -1, error: err }) as never);
      // The edge answers 413 and closes; a client still writing may see the reset instead.
      expect([413, -1]).toContain(streamed.status);

      const slow = await call(host, '/slow?ms=8000');
      expect(slow.status).toBe(504);
      expect(slow.headers['x-content-type-options']).toBe('nosniff');
      expect(slow.body.toString()).toContain('Gateway timeout');
      await edge.accessLog.flush();
      expect(edge.accessLog.recent().some((r) => r.status === 504 && r.deploymentId === app.deploymentId)).toBe(true);
    }, 60_000);

    it('reports the deployment it served in DeploymentTrafficSeen', async () => {
      await call(host, '/');
      await waitFor(() => published.some((e) => e instanceof DeploymentTrafficSeenV1 && e.deployments.some((d) => d.deploymentId === app.deploymentId)), 10_000, 'a traffic report');
    }, 30_000);
  });

  it('answers 502 with the edge page when no instance accepts the connection', async () => {
    const projectId = newId('prj');
    const deploymentId = newId('dpl');
    await routeEvents.ready(transport, { deploymentId, projectId, slug: 'gone', target: 'PRODUCTION', upstreams: ['127.0.0.1:1'], readyAt: new Date().toISOString() });
    await moveAlias({ deploymentId, projectId }, 'gone');
    const reply = await call('gone.localhost', '/', { method: 'POST', body: Buffer.from('x') });
    expect(reply.status).toBe(502);
    expect(reply.body.toString()).toContain('Bad gateway');
    expect(reply.headers['content-security-policy']).toBeDefined();
  }, 30_000);

  it('round-robins over two replicas; a stopped one is ejected and its requests retried on the other (no failure), then rejoins', async () => {
    const app = await launch({ APP_NAME: 'rr' }, 2);
    await goLive(app, 'rr');
    const instanceOf = async () => {
      const reply = await call('rr.localhost', '/', { agent: keepAlive });
      expect(reply.status).toBe(200);
      return reply.json().instance as string;
    };
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) seen.push(await instanceOf());
    expect(new Set(seen).size).toBe(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);

    const [victim, survivor] = app.instances;
    const survivorName = (await docker.getContainer(survivor.id).inspect()).Config.Hostname;
    await docker.getContainer(victim.id).stop({ t: 0 });
    const after: string[] = [];
    for (let i = 0; i < 10; i++) after.push(await instanceOf());
    expect(new Set(after)).toEqual(new Set([survivorName]));

    await docker.getContainer(victim.id).start();
    const revived = (await docker.getContainer(victim.id).inspect()) as { NetworkSettings: { Networks: Record<string, { IPAddress: string }> } };
    const address = `${revived.NetworkSettings.Networks[NETWORK].IPAddress}:3000`;
    await waitFor(() => probeHealth(address, '/healthz'), 60_000, 'the revived instance');
    if (address !== victim.address) {
      await publish(transport, DeploymentUpstreamsChangedV1, { deploymentId: app.deploymentId, projectId: app.projectId, upstreams: [address, survivor.address!], changedAt: new Date().toISOString() }, app.deploymentId);
    }
    // Past its ejection it is tried again and gets its share.
    await waitFor(async () => (await instanceOf()) !== survivorName, 60_000, 'the revived instance to get requests again');
  }, 240_000);

  it('proxies a WebSocket: handshake with forwarding headers, text and binary echo both ways', async () => {
    const app = await launch({}, 1, wsImage);
    await goLive(app, 'chat');
    const socket = new WebSocket(`ws://127.0.0.1:${edge.port}/room?x=1`, { headers: { host: 'chat.localhost' } });
    const messages: Array<WebSocket.RawData> = [];
    const next = async (n: number) => waitFor(() => messages.length >= n && messages[n - 1], 15_000, `message ${n}`);
    socket.on('message', (data) => messages.push(data));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const hello = JSON.parse(String(await next(1)));
    expect(hello).toEqual({ hello: true, forwardedFor: '127.0.0.1', forwardedHost: 'chat.localhost', path: '/room?x=1' });
    socket.send('ping');
    expect(String(await next(2))).toBe('echo:ping');
    const blob = randomBytes(1024 * 1024);
    socket.send(blob);
    expect(Buffer.compare(Buffer.from((await next(3)) as Buffer), blob)).toBe(0);
    socket.close();
    await waitFor(() => edge.accessLog.recent().some((r) => r.status === 101 && r.deploymentId === app.deploymentId && r.bytes > blob.length), 15_000, 'the 101 access record');

    // Plain HTTP to the same app still works next to it.
    expect((await call('chat.localhost', '/plain')).json()).toEqual({ ok: true, path: '/plain' });
  }, 180_000);

  it('wakes a sleeping app: the request waits, wake requests repeat, and it is served once instances arrive', async () => {
    const app = await launch({ APP_NAME: 'sleepy' });
    await goLive(app, 'sleepy');
    const asleepAt = new Date().toISOString();
    await publish(transport, DeploymentUpstreamsChangedV1, { deploymentId: app.deploymentId, projectId: app.projectId, upstreams: [], changedAt: asleepAt }, app.deploymentId);
    await waitFor(() => edge.table.deployment(app.deploymentId)?.app?.upstreams.length === 0, 5_000, 'asleep');
    const wakes = () => published.filter((e) => e instanceof DeploymentWakeRequestedV1 && e.deploymentId === app.deploymentId);

    const pending = call('sleepy.localhost', '/');
    await waitFor(() => wakes().length >= 2, 15_000, 'repeated wake requests');
    // A late, older statement does not wake it on the edge's side.
    await routeEvents.ready(transport, { deploymentId: app.deploymentId, projectId: app.projectId, slug: 'sleepy', target: 'PRODUCTION', upstreams: [app.instances[0].address!], readyAt: new Date(Date.parse(asleepAt) - 60_000).toISOString() });
    await publish(transport, DeploymentUpstreamsChangedV1, { deploymentId: app.deploymentId, projectId: app.projectId, upstreams: [app.instances[0].address!], changedAt: new Date().toISOString() }, app.deploymentId);
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.json().app).toBe('sleepy');
  }, 180_000);

  it('answers 503 with Retry-After when a sleeping app does not wake within the bound', async () => {
    const short = await startEdge({ transport, settings: { wakeTimeoutMs: 1_500 }, wakeRepeatMs: 300 });
    try {
      const projectId = newId('prj');
      const deploymentId = newId('dpl');
      short.table.addDeployment({ id: deploymentId, projectId, upstreams: [] }, 'never', 1);
      short.table.moveAlias(projectId, 'never', deploymentId, 1);
      const startedAt = Date.now();
      const reply = await short.get('never.localhost', '/');
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toBe('5');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_400);
      await waitFor(() => published.filter((e) => e instanceof DeploymentWakeRequestedV1 && e.deploymentId === deploymentId).length >= 2, 10_000, 'wake requests');
    } finally {
      await short.close();
    }
  }, 60_000);

  it('serves every request of a request loop with 200 across 20 go-lives and rollbacks', async () => {
    const slug = 'flip';
    const versions: Array<{ deploymentId: string; projectId: string; instances: AppInstance[]; name: string }> = [];
    const projectId = newId('prj');
    const deployVersion = async (n: number) => {
      const spec = await launch({ APP_NAME: `v${n}` });
      const version = { ...spec, projectId, name: `v${n}` };
      versions.push(version);
      return version;
    };
    let live = await deployVersion(0);
    await goLive(live, slug);

    let stop = false;
    const failures: string[] = [];
    let served = 0;
    const loops = Array.from({ length: 4 }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (!stop) {
        try {
          const reply = await call(`${slug}.localhost`, '/', { agent });
          const name = reply.status === 200 ? reply.json().app : undefined;
          if (reply.status !== 200 || !versions.some((v) => v.name === name)) failures.push(`${reply.status} ${reply.body.toString().slice(0, 80)}`);
          served++;
        } catch (err) {
          failures.push(String(err));
        }
      }
      agent.destroy();
    });

    const running = new Set([live.deploymentId]);
    const retire = async (keep: Set<string>) => {
      for (const id of [...running]) {
        if (keep.has(id)) continue;
        running.delete(id);
        // The drain the orchestrator does: requests in flight finish (SIGTERM, the app closes gracefully).
        await runtime.stop(id, 5);
      }
    };
    for (let move = 0; move < 20; move += 2) {
      const previous = live;
      const next = await deployVersion(move / 2 + 1);
      running.add(next.deploymentId);
      await goLive(next, slug);
      live = next;
      await retire(new Set([live.deploymentId, previous.deploymentId]));
      // Rollback to the previous version (still warm), then forward again on the next go-live.
      await moveAlias(previous, slug);
      live = previous;
      await retire(new Set([live.deploymentId, next.deploymentId]));
    }
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(100);
  }, 900_000);
});
