import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { startEdge, type RunningEdge } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';

// The HTTPS listener's HTTP/2 side: ALPN, static serving, `:authority` as Host, and a server app
// proxied over HTTP/2 to an HTTP/1.1 instance (a real node:http server on loopback).

const SHOP = 'prj_01jd8x0000000000000000000a';
const API = 'prj_01jd8x0000000000000000000b';
const V1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const A1 = 'dpl_01jd8y0000000000000000000b';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

function h2(session: ClientHttp2Session, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let response: Record<string, unknown> = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (response = h));
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () => resolve({ status: Number(response[':status']), headers: response, body: text }));
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

describe('edge over HTTP/2 (TLS, ALPN h2)', () => {
  let edge: RunningEdge;
  let dir: string;
  let cert: string;
  let upstream: Server;
  const seen: Seen[] = [];
  let session: ClientHttp2Session;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    dir = mkdtempSync(join(tmpdir(), 'edge-h2-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=*.apps.test', '-addext', 'subjectAltName=DNS:*.apps.test', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    upstream = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        // Connection-specific headers are fine in HTTP/1.1 and forbidden in HTTP/2: the edge drops them.
        res.writeHead(201, { 'Content-Type': 'text/plain', Connection: 'keep-alive', 'Keep-Alive': 'timeout=5', 'X-App': 'yes' });
        res.end(`app got ${req.method} ${req.url} (${body.length} bytes)`);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamAddress = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const store = new InMemoryArtifactStore();
    store.putFiles(V1, { 'index.html': '<!doctype html><h1>shop over h2</h1>' });
    edge = await startEdge({
      store,
      rootDomain: 'apps.test',
      tls: { cert, key: readFileSync(join(dir, 'k.pem'), 'utf8') },
      snapshot: {
        projects: [
          { id: SHOP, slug: 'shop', productionDeploymentId: V1, aliasAt: 1 },
          { id: API, slug: 'api', productionDeploymentId: A1, aliasAt: 1 },
        ],
        deployments: [
          { id: V1, projectId: SHOP },
          { id: A1, projectId: API, upstreams: [upstreamAddress] },
        ],
        domains: [],
      },
    });
    session = connect(`https://127.0.0.1:${edge.tlsPort}`, { ca: cert, servername: 'shop.apps.test' });
    await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
  });

  afterAll(async () => {
    session?.close();
    await edge?.close();
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('negotiates h2 by ALPN, and http/1.1 for a client that offers only that', async () => {
    expect(session.alpnProtocol).toBe('h2');
    const h1 = await new Promise<string | false>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: edge.tlsPort!, servername: 'shop.apps.test', ca: cert, ALPNProtocols: ['http/1.1'] }, () => {
        resolve(socket.alpnProtocol ?? false);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(h1).toBe('http/1.1');
  });

  it('serves static files by :authority, and refuses a Host that disagrees with it', async () => {
    const page = await h2(session, { ':path': '/', ':authority': 'shop.apps.test' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('shop over h2');
    expect(page.headers['x-deploysphere-deployment']).toBe(V1);
    expect((await h2(session, { ':path': '/', ':authority': 'shop.apps.test', host: 'api.apps.test' })).status).toBe(400);
    expect((await h2(session, { ':path': '/', ':authority': 'shop.apps.test', host: 'shop.apps.test' })).status).toBe(200);
  });

  it('proxies a server app over HTTP/2 to its HTTP/1.1 instance: Host from :authority, https forwarding headers, bodies both ways', async () => {
    seen.length = 0;
    const got = await h2(session, { ':path': '/items?x=1', ':authority': 'api.apps.test' });
    expect(got.status).toBe(201);
    expect(got.body).toBe('app got GET /items?x=1 (0 bytes)');
    expect(got.headers['x-app']).toBe('yes');
    expect(got.headers.connection).toBeUndefined();
    expect(got.headers['keep-alive']).toBeUndefined();
    expect(seen[0].headers.host).toBe('api.apps.test');
    expect(seen[0].headers['x-forwarded-proto']).toBe('https');
    expect(seen[0].headers['x-forwarded-host']).toBe('api.apps.test');
    expect(Object.keys(seen[0].headers).some((name) => name.startsWith(':'))).toBe(false);

    // A body without Content-Length (HTTP/2 needs none) still reaches the instance.
    const posted = await h2(session, { ':path': '/items', ':method': 'POST', ':authority': 'api.apps.test', 'content-type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(5000) }));
    expect(posted.status).toBe(201);
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/items' });
    expect(JSON.parse(seen[1].body).name).toHaveLength(5000);
  });
});
