import { newId } from '@deploysphere/common';
import { PostgresDeploymentRepository } from '@deploysphere/deployments';
import { OutboxWriter } from '@deploysphere/messaging';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@deploysphere/testing';
import { PrismaRouteSnapshotSource } from '../../../apps/edge-router/src/routing/prisma-route-snapshot-source.adapter';

jest.setTimeout(120_000);

// The edge's start-up snapshot knows a server app's running instances (app_instances rows of READY
// container deployments, through the deployments lib's repository); static output has none.
describe.each(testDatabaseKinds())('route snapshot with server apps (%s)', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('lists the running instances of a READY container deployment, none while it sleeps, and no set for static output', async () => {
    const { prisma } = db;
    const teamId = newId('team');
    const projectId = newId('prj');
    await prisma.team.create({ data: { id: teamId, name: 'Apps', slug: `t-${teamId.slice(-10)}` } });
    await prisma.project.create({ data: { id: projectId, teamId, name: 'App', slug: `p-${projectId.slice(-12)}` } });
    const [live, asleep, site, starting] = [newId('dpl'), newId('dpl'), newId('dpl'), newId('dpl')];
    const base = { projectId, target: 'PRODUCTION' as const, source: 'UPLOAD' as const };
    await prisma.deployment.createMany({
      data: [
        { ...base, id: live, status: 'READY', runtime: 'container' },
        { ...base, id: asleep, status: 'READY', runtime: 'container' },
        { ...base, id: site, status: 'READY', runtime: 'static', artifactManifestKey: 'manifests/x.json' },
        { ...base, id: starting, status: 'STARTING', runtime: 'container' },
      ],
    });
    const instance = (deploymentId: string, replica: number, state: string, address: string | null) => ({
      id: `c-${deploymentId}-${replica}`,
      deploymentId,
      projectId,
      runtime: 'docker',
      address,
      state,
    });
    await prisma.appInstance.createMany({
      data: [
        instance(live, 0, 'running', '10.1.0.2:3000'),
        instance(live, 1, 'running', '10.1.0.3:3000'),
        instance(live, 2, 'restarting', null),
        instance(live, 3, 'exited', '10.1.0.4:3000'),
        instance(starting, 0, 'running', '10.1.0.9:3000'),
      ],
    });

    const snapshot = await new PrismaRouteSnapshotSource(prisma, new PostgresDeploymentRepository(prisma, new OutboxWriter(prisma))).load();
    const byId = new Map(snapshot.deployments.map((d) => [d.id, d]));
    expect(byId.get(live)?.upstreams?.sort()).toEqual(['10.1.0.2:3000', '10.1.0.3:3000']);
    expect(byId.get(asleep)?.upstreams).toEqual([]);
    expect(byId.get(site)).toMatchObject({ manifestKey: 'manifests/x.json' });
    expect(byId.get(site)?.upstreams).toBeUndefined();
    expect(byId.has(starting)).toBe(false);
  });
});
