import { CqrsModule } from '@nestjs/cqrs';
import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { newId, previewLabel, SECRET_BOX, SecretBox } from '@deploysphere/common';
import { DeploySphereConfigModule } from '@deploysphere/config';
import { PrismaService } from '@deploysphere/database';
import { InMemoryTransport, MESSAGE_TRANSPORT, MessagingModule } from '@deploysphere/messaging';
import { ARTIFACT_STORE, FsArtifactStore } from '@deploysphere/storage';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@deploysphere/testing';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EMBEDDED_UNLESS_GIVEN } from '../../support/test-platform';
import { get, within } from '../../../apps/edge-router/test-support/edge-client';
import { EdgeServer } from '../../../apps/edge-router/src/server/edge-server';
import { EdgeRouterModule } from '../../../apps/edge-router/src/edge-router.module';
import { RouteTableSync } from '../../../apps/edge-router/src/routing/route-table.sync';
import { routeEvents } from '../../../apps/edge-router/test-support/route-events';

// The edge router as the platform composes it: its Nest module over the real database (route
// table loaded from projects, aliases and READY deployments), the real fs artifact store, and
// the in-memory transport carrying the route events the api/orchestrator emit.

const FIXTURE = resolve(__dirname, '../../fixtures/sites/static-site');

describe.each(testDatabaseKinds())('edge router over %s, fs artifacts, route events', (kind) => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let transport: InMemoryTransport;
  let port: number;
  let dir: string;
  const projectId = newId('prj');
  const v1 = newId('dpl');
  const v2 = newId('dpl', Date.now() + 1_000);
  const failed = newId('dpl', Date.now() + 2_000);
  const preview = (id: string) => `${previewLabel(id, 'shop')}.localhost`;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    dir = mkdtempSync(join(tmpdir(), 'edge-e2e-'));
    db = await createTestDatabase(kind);
    const store = new FsArtifactStore(join(dir, 'artifacts'));

    // Two builds of the fixture site, told apart by their home page.
    for (const [id, label] of [
      [v1, 'version one'],
      [v2, 'version two'],
    ]) {
      const out = join(dir, `out-${id}`);
      cpSync(FIXTURE, out, { recursive: true });
      writeFileSync(join(out, 'index.html'), `<!doctype html><h1>${label}</h1>`);
      await store.putDeployment(id, out);
    }

    const teamId = newId('team');
    await db.prisma.team.create({ data: { id: teamId, name: 'Team', slug: `team-${teamId.slice(-8)}` } });
    await db.prisma.project.create({ data: { id: projectId, teamId, name: 'Shop', slug: 'shop' } });
    await db.prisma.project.create({ data: { id: newId('prj'), teamId, name: 'Empty', slug: 'empty' } });
    for (const [id, status] of [
      [v1, 'READY'],
      [v2, 'READY'],
      [failed, 'FAILED'],
    ] as const) {
      await db.prisma.deployment.create({
        data: { id, projectId, status, target: 'PRODUCTION', source: 'UPLOAD', artifactManifestKey: status === 'READY' ? `deployments/${id}/manifest.json` : null },
      });
    }
    await db.prisma.projectAlias.create({ data: { projectId, deploymentId: v1 } });

    // Port 0: the edge binds a free port itself, so parallel test files never race for one.
    for (const name of EMBEDDED_UNLESS_GIVEN) delete process.env[name];
    Object.assign(process.env, { NODE_ENV: 'test', ROOT_DOMAIN: 'localhost', BIND_HOST: '127.0.0.1', EDGE_PORT: '0', EDGE_INSTANCE_ID: `e2e-${kind}` });

    @Global()
    @Module({
      providers: [
        { provide: PrismaService, useValue: db.prisma },
        { provide: ARTIFACT_STORE, useValue: store },
        // Opens the certificates' sealed keys (none here).
        { provide: SECRET_BOX, useValue: new SecretBox(randomBytes(32)) },
      ],
      exports: [PrismaService, ARTIFACT_STORE, SECRET_BOX],
    })
    class InfrastructureModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [DeploySphereConfigModule.forRoot(), CqrsModule.forRoot(), MessagingModule.forRoot({ relay: false }), InfrastructureModule, EdgeRouterModule],
    }).compile();
    app = moduleRef;
    await app.init();
    transport = app.get(MESSAGE_TRANSPORT);
    await app.get(RouteTableSync).ready;
    port = app.get(EdgeServer).address()!.port;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the production alias loaded from the database at <slug>.<root>', async () => {
    const res = await get(port, 'shop.localhost');
    expect(res).toMatchObject({ status: 200, deployment: v1 });
    expect(res.body).toContain('version one');
    expect((await get(port, 'shop.localhost', '/assets/app.3f9a1c.css')).status).toBe(200);
    expect((await get(port, 'shop.localhost', '/about/')).body).toContain('<');
  });

  it('serves each READY deployment at its immutable preview host, and no failed one', async () => {
    expect((await get(port, preview(v2))).body).toContain('version two');
    expect((await get(port, `${v2.slice(4, 18)}-shop.localhost`)).status).toBe(404); // a prefix is not enough
    expect((await get(port, preview(failed))).status).toBe(404);
  });

  it('tells a project without a live deployment from an unknown host', async () => {
    expect((await get(port, 'empty.localhost')).body).toContain('No live deployment yet');
    expect((await get(port, 'nobody.localhost')).body).toContain('Nothing is deployed here');
    expect((await get(port, 'localhost', '/readyz')).status).toBe(200);
  });

  it('moves production within a second of the alias event', async () => {
    await routeEvents.aliasMoved(transport, { projectId, slug: 'shop', deploymentId: v2, previousDeploymentId: v1, movedAt: new Date().toISOString() });
    const ms = await within(1_000, async () => (await get(port, 'shop.localhost')).deployment === v2);
    expect(ms).toBeLessThan(1_000);
  });

  it('promotes and rolls back under a request loop without a single failed request', async () => {
    let stop = false;
    const seen = { [v1]: 0, [v2]: 0 } as Record<string, number>;
    const failures: string[] = [];
    const loop = async () => {
      while (!stop) {
        const res = await get(port, 'shop.localhost').catch((err: Error) => ({ status: 0, body: err.message, deployment: undefined }));
        if (res.status !== 200 || !res.deployment || !(res.deployment in seen)) failures.push(`${res.status} ${res.body.slice(0, 80)}`);
        else seen[res.deployment]++;
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    for (let i = 0; i < 20; i++) {
      const target = i % 2 === 0 ? v1 : v2;
      await routeEvents.aliasMoved(transport, { projectId, slug: 'shop', deploymentId: target, movedAt: new Date().toISOString() });
      await new Promise((r) => setTimeout(r, 25));
    }
    stop = true;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(seen[v1]).toBeGreaterThan(0);
    expect(seen[v2]).toBeGreaterThan(0);
  });

  it('serves a project it learned from events alone, and forgets a deleted one', async () => {
    const store = app.get<FsArtifactStore>(ARTIFACT_STORE);
    const docsProject = newId('prj');
    const docs = newId('dpl');
    const out = join(dir, 'out-docs');
    cpSync(FIXTURE, out, { recursive: true });
    writeFileSync(join(out, 'index.html'), '<h1>docs site</h1>');
    await store.putDeployment(docs, out);
    await routeEvents.ready(transport, { deploymentId: docs, projectId: docsProject, slug: 'docs', target: 'PRODUCTION', manifestKey: `deployments/${docs}/manifest.json`, readyAt: new Date().toISOString() });
    await routeEvents.aliasMoved(transport, { projectId: docsProject, slug: 'docs', deploymentId: docs, movedAt: new Date().toISOString() });
    await within(1_000, async () => (await get(port, 'docs.localhost')).body.includes('docs site'));

    await routeEvents.routingChanged(transport, { projectId: docsProject, slug: 'docs', cleanUrls: false, spaFallback: true, custom404: true, changedAt: new Date().toISOString() });
    await within(1_000, async () => (await get(port, 'docs.localhost', '/some/client/route')).body.includes('docs site'));

    await routeEvents.projectDeleted(transport, { projectId: docsProject, slug: 'docs', deletedAt: new Date().toISOString() });
    await within(1_000, async () => (await get(port, 'docs.localhost')).status === 404);
  });
});
