import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { dashboardStatic } from './dashboard-static.middleware';

describe('dashboardStatic', () => {
  let root: string;
  const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;
  const app = (options: { root: string; gatewayPort?: number }) => {
    const a = express();
    a.use(dashboardStatic(options));
    // What the api answers when the dashboard passes a request on.
    a.use((_req, res) => res.status(404).json({ code: 'NOT_FOUND' }));
    return a;
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dashboard-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><title>DeploySphere</title></head><body><div id="root"></div></body></html>');
    writeFileSync(join(root, 'assets', 'index-AbC123.js'), js);
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers a browser at / and at client routes with the page, a CSP naming the gateway, and no caching', async () => {
    const server = app({ root, gatewayPort: 3101 });
    for (const path of ['/', '/projects/prj_1', '/deployments/dpl_1', '/sign-in', '/setup', '/invite/abc', '/team', '/account']) {
      const res = await request(server).get(path).set('Host', 'localhost:3000').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<meta name="deploysphere-gateway-port" content="3101">');
      expect(res.headers['cache-control']).toBe('no-cache');
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self' ws://localhost:3101 http://localhost:3101");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('never answers for the API, the docs, the socket path or unknown paths', async () => {
    const server = app({ root, gatewayPort: 3101 });
    for (const path of ['/v1/projects', '/v1', '/docs', '/docs/', '/openapi.json', '/socket.io/?EIO=4&transport=polling', '/healthz', '/readyz', '/nothing-here', '/assets/missing-x.js', '/index.html']) {
      const res = await request(server).get(path).set('Accept', 'text/html');
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: { code: 'NOT_FOUND' } });
    }
    // An API client asking for JSON at a client route, and any other method, pass through as well.
    expect((await request(server).get('/projects/prj_1').set('Accept', 'application/json')).status).toBe(404);
    expect((await request(server).post('/').set('Accept', 'text/html')).status).toBe(404);
  });

  it('serves hashed assets for a year, compressed as the client accepts, with an ETag', async () => {
    const server = app({ root }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const br = await raw(port, '/assets/index-AbC123.js', { 'accept-encoding': 'gzip, br' });
      expect(br.status).toBe(200);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
      expect(br.headers.vary).toBe('Accept-Encoding');
      expect(brotliDecompressSync(br.body).toString()).toBe(js);
      expect(br.body.length).toBeLessThan(js.length / 10);

      const gz = await raw(port, '/assets/index-AbC123.js', { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).toString()).toBe(js);

      const plain = await raw(port, '/assets/index-AbC123.js', {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(js);

      const again = await raw(port, '/assets/index-AbC123.js', { 'if-none-match': String(br.headers.etag) });
      expect(again.status).toBe(304);

      const icon = await raw(port, '/favicon.svg', { 'accept-encoding': 'gzip, br' });
      expect(icon.status).toBe(200);
      expect(icon.headers['cache-control']).toBe('no-cache');
    } finally {
      server.close();
    }
  });

  it('keeps a Host header it cannot trust out of the CSP', async () => {
    const res = await request(app({ root, gatewayPort: 3101 })).get('/').set('Host', 'evil.example; script-src *').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("connect-src 'self';");
    expect(res.headers['content-security-policy']).not.toContain('evil');
  });

  it('says the dashboard is not built, as a problem, when there is no build', async () => {
    const res = await request(app({ root: join(root, 'nowhere') })).get('/').set('Accept', 'text/html');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, code: 'DASHBOARD_NOT_BUILT' });
    expect((await request(app({ root: join(root, 'nowhere') })).get('/v1/projects').set('Accept', 'text/html')).status).toBe(404);
  });
});

/** One GET, its body as the bytes sent (clients such as supertest decode compressed bodies themselves). */
function raw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
