import { Logger } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEdge, type RunningEdge } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';

// The corpus behind the rule "no file outside the deployment is ever served". Every hostile
// path and host below is sent as raw bytes (no client library normalizing it first) at a
// deployment whose neighbours hold marker strings: a marker in any answer is a breach.

const SHOP = 'prj_01jd8x0000000000000000000a';
const BLOG = 'prj_01jd8x0000000000000000000b';
const EVIL = 'prj_01jd8x0000000000000000000e';
const S1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const B1 = 'dpl_01jd8y0000000000000000000b';
const E1 = 'dpl_01jd8z0000000000000000000e';

const NEIGHBOUR_SECRET = 'BLOG-ONLY-SECRET-7f3a';
const ORPHAN_SECRET = 'ORPHAN-BLOB-SECRET-91c2';
const DISK_SECRET = 'ON-DISK-SECRET-0d4e';

const SHOP_FILES: Record<string, string> = {
  'index.html': '<h1>shop home</h1>',
  'docs/index.html': '<h1>shop docs</h1>',
  'a.txt': 'shop a',
  'etc/passwd': 'shop has its own file called etc/passwd',
};

const hostilePaths = [
  '/../blog/secret.txt',
  '/../../../../etc/passwd',
  '/docs/../../secret.txt',
  '/%2e%2e/secret.txt',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/%2E%2E%2Fsecret.txt',
  '/..%2fsecret.txt',
  '/..%2Fsecret.txt',
  '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/..%5csecret.txt',
  '/..%5c..%5cetc%5cpasswd',
  '/%5c..%5csecret.txt',
  '/..\\secret.txt',
  '/docs\\..\\..\\secret.txt',
  '/%252e%252e/secret.txt',
  '/%252e%252e%252fsecret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/%c0%ae%c0%ae%c0%afsecret.txt',
  '/%e0%80%ae%e0%80%ae/secret.txt',
  '/%c1%1c%c1%1csecret.txt',
  '/%uff0e%uff0e/secret.txt',
  '/．．/secret.txt',
  '/%ef%bc%8e%ef%bc%8e/secret.txt',
  '/secret.txt%00.html',
  '/index.html%00',
  '/.../secret.txt',
  '/./../secret.txt',
  '//../secret.txt',
  '/docs/./../../secret.txt',
  '/;/../secret.txt',
  '/..;/secret.txt',
  '/%2e%2e;/secret.txt',
  '/secret.txt',
  '/blog/secret.txt',
  `/${B1}/secret.txt`,
  '/deployments/' + B1 + '/manifest.json',
  '/blobs/',
  '/assets/',
  '/docs',
  '//evil.example/',
  '/\\evil.example/',
  '/%2f%2fevil.example/',
  `/${'a/'.repeat(1100)}`,
  `/${'%2e%2e/'.repeat(300)}`,
  'http://blog.localhost/secret.txt',
  'blog.localhost/secret.txt',
  '*',
  '/%',
  '/%zz',
  '/%0d%0aSet-Cookie:%20x=1',
];

const hostileHosts = [
  'blog.localhost.evil.example',
  'shop.localhost@blog.localhost',
  'blog.localhost/../shop.localhost',
  'shop.localhost/../blog.localhost',
  'blog.localhost:80@shop.localhost',
  'blog.localhost%2f',
  'blog%2elocalhost',
  'xn--blog.localhost',
  'blog..localhost',
  'blog.localhost..',
  'blog_.localhost',
  'BLOG.localhost\u0000',
  '01jd8x3k9m-blog.localhost', // shop's deployment prefix on blog's slug
  '01jd8y0000000000000000000b-shop.localhost', // blog's deployment id on shop's slug
  '01jd8y000-shop.localhost',
  'a.blog.localhost',
  'evil.example',
  '',
];

describe('edge security corpus', () => {
  let edge: RunningEdge;
  let diskFile: string;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const dir = mkdtempSync(join(tmpdir(), 'edge-outside-'));
    diskFile = join(dir, 'secret.txt');
    writeFileSync(diskFile, DISK_SECRET);
    const store = new InMemoryArtifactStore();
    store.putFiles(S1, SHOP_FILES);
    store.putFiles(B1, { 'index.html': '<h1>blog</h1>', 'secret.txt': NEIGHBOUR_SECRET });
    store.putBlob(Buffer.from(ORPHAN_SECRET));
    // A hostile (or corrupt) manifest naming paths outside its deployment: never served.
    const neighbour = store.manifests.get(B1)!.files.find((f) => f.path === 'secret.txt')!;
    const ok = store.putBlob(Buffer.from('evil ok'));
    store.putRawManifest({
      version: 1,
      deploymentId: E1,
      createdAt: new Date().toISOString(),
      files: [
        { path: 'ok.txt', size: 7, sha256: ok, contentType: 'text/plain' },
        ...['../secret.txt', '../../blog/secret.txt', '/etc/passwd', 'a/../../secret.txt', 'a\\..\\secret.txt', 'x\u0000', '', 'a//b', './secret.txt', diskFile].map(
          (path) => ({ ...neighbour, path }),
        ),
      ],
    });
    edge = await startEdge({
      store,
      snapshot: {
        projects: [
          { id: SHOP, slug: 'shop', productionDeploymentId: S1, aliasAt: 1 },
          { id: BLOG, slug: 'blog', productionDeploymentId: B1, aliasAt: 1 },
          { id: EVIL, slug: 'evil', productionDeploymentId: E1, aliasAt: 1 },
        ],
        deployments: [
          { id: S1, projectId: SHOP },
          { id: B1, projectId: BLOG },
          { id: E1, projectId: EVIL },
        ],
        domains: [],
      },
    });
  });

  afterAll(async () => {
    await edge.close();
  });

  const send = (target: string, host: string | undefined, extra = '') =>
    edge.raw(`GET ${target} HTTP/1.1\r\n${host === undefined ? '' : `Host: ${host}\r\n`}${extra}Connection: close\r\n\r\n`);

  function expectNoBreach(res: { status: number; text: string }) {
    expect(res.text).not.toContain(NEIGHBOUR_SECRET);
    expect(res.text).not.toContain(ORPHAN_SECRET);
    expect(res.text).not.toContain(DISK_SECRET);
    expect(res.text).not.toMatch(/root:.*:0:0:/);
    expect(res.text).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  }

  function expectOnlyOwnFiles(res: { status: number; text: string }) {
    expectNoBreach(res);
    expect([200, 308, 400, 404]).toContain(res.status);
    if (res.status === 200) {
      const body = res.text.slice(res.text.indexOf('\r\n\r\n') + 4);
      expect(Object.values(SHOP_FILES)).toContain(body);
    }
    if (res.status === 308) {
      const location = /\r\nlocation: (.*)\r\n/i.exec(res.text)?.[1] ?? '';
      expect(location.startsWith('/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
    }
  }

  it.each(hostilePaths.map((p) => [p.length > 60 ? `${p.slice(0, 60)}…` : p, p]))('path %s serves nothing outside the deployment', async (_, path) => {
    for (const host of ['shop.localhost', '01jd8x3k9m2f4q7r8s9t0v1w2x-shop.localhost']) expectOnlyOwnFiles(await send(path, host));
  });

  it.each(hostileHosts.map((h) => [JSON.stringify(h), h]))('host %s reaches no other project', async (_, host) => {
    for (const path of ['/', '/secret.txt']) {
      const res = await send(path, host);
      expectNoBreach(res);
      expect([400, 404]).toContain(res.status);
    }
  });

  it('refuses a request without a Host header, and one with two', async () => {
    expect((await edge.raw('GET / HTTP/1.0\r\n\r\n')).status).toBe(400);
    const twice = await send('/secret.txt', 'shop.localhost', 'Host: blog.localhost\r\n');
    expectNoBreach(twice);
    expect(twice.status).toBe(400);
  });

  it('never routes by X-Forwarded-Host or Forwarded', async () => {
    const res = await send('/secret.txt', 'shop.localhost', 'X-Forwarded-Host: blog.localhost\r\nForwarded: host=blog.localhost\r\nX-Original-Host: blog.localhost\r\n');
    expectNoBreach(res);
    expect(res.status).toBe(404);
  });

  it('refuses an absolute-form target naming another host', async () => {
    const res = await send('http://blog.localhost/secret.txt', 'shop.localhost');
    expectNoBreach(res);
    expect(res.status).toBe(400);
  });

  it('serves only the safe entries of a hostile manifest', async () => {
    expect((await edge.get('evil.localhost', '/ok.txt')).text).toBe('evil ok');
    for (const path of ['/secret.txt', '/etc/passwd', '/a/secret.txt', '/x', '/a/b', diskFile]) {
      const res = await send(path, 'evil.localhost');
      expectNoBreach(res);
      expect([400, 404]).toContain(res.status);
    }
  });

  it('serves the real neighbour only at its own host (the corpus is not vacuous)', async () => {
    expect((await send('/secret.txt', 'blog.localhost')).text).toContain(NEIGHBOUR_SECRET);
    expect((await send('/etc/passwd', 'shop.localhost')).text).toContain('shop has its own file');
  });
});
