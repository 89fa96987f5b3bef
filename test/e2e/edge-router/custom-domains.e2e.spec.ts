import { Logger } from '@nestjs/common';
import { newId } from '@deploysphere/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { testDatabaseKinds } from '@deploysphere/testing';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DNS_RESOLVER } from '../../../apps/api/src/domains/dns/dns-resolver.port';
import { FakeDnsResolver } from '../../../apps/api/test-support/fake-dns-resolver';
import { get, within } from '../../../apps/edge-router/test-support/edge-client';
import { EdgeServer } from '../../../apps/edge-router/src/server/edge-server';
import { EdgeRouterModule } from '../../../apps/edge-router/src/edge-router.module';
import { DEPLOYMENT_REPOSITORY } from '@deploysphere/deployments';
import { PrismaRouteSnapshotSource } from '../../../apps/edge-router/src/routing/prisma-route-snapshot-source.adapter';
import { RouteTable } from '../../../apps/edge-router/src/routing/route-table';
import { RouteTableSync } from '../../../apps/edge-router/src/routing/route-table.sync';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// Custom domains end to end, as `npm start` composes the apps: the api (with the DNS double)
// verifies and removes domains, the outbox relay carries DomainVerified / DomainRemoved /
// ProjectDeleted over the in-process transport, and the edge router serves (or stops serving)
// the name from its route table, over the real database and the local artifact store.

const FIXTURE = resolve(__dirname, '../../fixtures/sites/static-site');

describe.each(testDatabaseKinds())('custom domains at the edge router over %s (api → outbox → edge)', (kind) => {
  let platform: TestPlatform;
  let port: number;
  let dir: string;
  let token: string;
  let shop: { id: string; slug: string };
  const dns = new FakeDnsResolver();
  const deployments: string[] = [];

  const api = () => platform.as(token);

  /** A READY production deployment of the fixture site whose home page says `label`. */
  async function readyDeployment(projectId: string, label: string): Promise<string> {
    const id = newId('dpl');
    const out = join(dir, id);
    cpSync(FIXTURE, out, { recursive: true });
    writeFileSync(join(out, 'index.html'), `<!doctype html><h1>${label}</h1>`);
    const stored = await platform.app.get<ArtifactStore>(ARTIFACT_STORE).putDeployment(id, out);
    await platform.prisma.deployment.create({
      data: { id, projectId, status: 'READY', target: 'PRODUCTION', source: 'UPLOAD', readyAt: new Date(), artifactManifestKey: stored.manifestKey },
    });
    return id;
  }

  async function addVerifiedDomain(projectId: string, hostname: string): Promise<{ id: string }> {
    const domain = (await api().post(`/v1/projects/${projectId}/domains`).send({ hostname }).expect(201)).body;
    dns.setTxt(domain.verification.name, domain.verification.value);
    await api().post(`/v1/projects/${projectId}/domains/${domain.id}/verify`).expect(200);
    return domain;
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    dir = mkdtempSync(join(tmpdir(), 'edge-domains-e2e-'));
    // Port 0: the edge binds a free port itself, so parallel test files never race for one.
    platform = await startTestPlatform(
      kind,
      { ROOT_DOMAIN: 'localhost', BIND_HOST: '127.0.0.1', EDGE_PORT: '0', EDGE_INSTANCE_ID: `domains-e2e-${kind}` },
      { overrides: [{ provide: DNS_RESOLVER, useValue: dns }], imports: [EdgeRouterModule] },
    );
    port = platform.app.get(EdgeServer).address()!.port;
    await platform.app.get(RouteTableSync).ready;
    token = (await createTeamWithToken(platform, 'Edge Domains')).token;
    shop = (await api().post('/v1/projects').send({ name: 'Shop', slug: 'shop' }).expect(201)).body;
    deployments.push(await readyDeployment(shop.id, 'shop version one'), await readyDeployment(shop.id, 'shop version two'));
    await api().post(`/v1/deployments/${deployments[0]}/promote`).expect(200);
    await within(5_000, async () => (await get(port, 'shop.localhost')).deployment === deployments[0]);
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an attached but unverified domain exactly like an unknown host, then serves it within a second of verification', async () => {
    const domain = (await api().post(`/v1/projects/${shop.id}/domains`).send({ hostname: 'www.shop-owner.example' }).expect(201)).body;
    const unknown = await get(port, 'nobody-here.example');
    const before = await get(port, 'www.shop-owner.example');
    expect(before).toEqual({ status: 404, body: unknown.body, deployment: undefined });
    expect(before.body).toContain('Nothing is deployed here');

    // A failed verification announces nothing.
    dns.setTxt(domain.verification.name, 'deploysphere-verify=not-the-token');
    await api().post(`/v1/projects/${shop.id}/domains/${domain.id}/verify`).expect(409);
    await platform.transport.drained();
    expect((await get(port, 'www.shop-owner.example')).status).toBe(404);

    dns.setTxt(domain.verification.name, domain.verification.value);
    await api().post(`/v1/projects/${shop.id}/domains/${domain.id}/verify`).expect(200);
    const ms = await within(1_000, async () => (await get(port, 'www.shop-owner.example')).deployment === deployments[0]);
    expect(ms).toBeLessThan(1_000);
    const served = await get(port, 'WWW.Shop-Owner.Example.:8080');
    expect(served).toMatchObject({ status: 200, deployment: deployments[0] });
    expect(served.body).toContain('shop version one');
    expect((await get(port, 'www.shop-owner.example', '/assets/app.3f9a1c.css')).status).toBe(200);
  });

  it("follows the project's production alias: a promote moves the domain with it", async () => {
    await api().post(`/v1/deployments/${deployments[1]}/promote`).expect(200);
    await within(1_000, async () => (await get(port, 'www.shop-owner.example')).body.includes('shop version two'));
    expect((await get(port, 'shop.localhost')).deployment).toBe(deployments[1]);
  });

  it('is back to the unknown-host 404 within a second of removal', async () => {
    const [domain] = (await api().get(`/v1/projects/${shop.id}/domains`).expect(200)).body.items;
    await api().delete(`/v1/projects/${shop.id}/domains/${domain.id}`).expect(204);
    const ms = await within(1_000, async () => (await get(port, 'www.shop-owner.example')).status === 404);
    expect(ms).toBeLessThan(1_000);
    expect((await get(port, 'www.shop-owner.example')).body).toContain('Nothing is deployed here');
    expect((await get(port, 'shop.localhost')).status).toBe(200);
  });

  it('loads verified domains, and only those, when an edge starts', async () => {
    await addVerifiedDomain(shop.id, 'shop.verified-at-start.example');
    await api().post(`/v1/projects/${shop.id}/domains`).send({ hostname: 'pending.verified-at-start.example' }).expect(201);
    const snapshot = await new PrismaRouteSnapshotSource(platform.prisma, platform.app.get(DEPLOYMENT_REPOSITORY)).load();
    expect(snapshot.domains).toEqual([{ domain: 'shop.verified-at-start.example', projectId: shop.id, verifiedAt: expect.any(Number) }]);
    const fresh = new RouteTable('localhost');
    fresh.replaceAll(snapshot);
    expect(fresh.resolve('shop.verified-at-start.example')).toMatchObject({ kind: 'deployment', deployment: { id: deployments[1] } });
    expect(fresh.resolve('pending.verified-at-start.example').kind).toBe('unknown');
  });

  it("stops serving a deleted project's domains within a second", async () => {
    const blog = (await api().post('/v1/projects').send({ name: 'Blog', slug: 'blog' }).expect(201)).body;
    const post = await readyDeployment(blog.id, 'blog home');
    await api().post(`/v1/deployments/${post}/promote`).expect(200);
    await addVerifiedDomain(blog.id, 'blog.shop-owner.example');
    await within(1_000, async () => (await get(port, 'blog.shop-owner.example')).body.includes('blog home'));

    await api().delete(`/v1/projects/${blog.id}`).expect(204);
    await within(1_000, async () => (await get(port, 'blog.shop-owner.example')).status === 404);
    expect((await get(port, 'blog.localhost')).status).toBe(404);
  });
});
