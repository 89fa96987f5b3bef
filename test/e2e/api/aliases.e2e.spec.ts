import { newId } from '@deploysphere/common';
import { testDatabaseKinds } from '@deploysphere/testing';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';
import { eventually } from '../../support/orchestrator';

/** Promote and rollback move the production alias of READY deployments, atomically and with an event. */
describe.each(testDatabaseKinds())('promote and rollback on %s', (kind) => {
  let platform: TestPlatform;
  let team: { teamId: string; token: string };
  let other: { teamId: string; token: string };

  beforeAll(async () => {
    platform = await startTestPlatform(kind);
    team = await createTeamWithToken(platform, 'Aliases');
    other = await createTeamWithToken(platform, 'Outsider');
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  let sequence = 0;

  /**
   * A deployment as the orchestrator leaves it when its build is done — written directly, so
   * no build is scheduled for it.
   */
  async function readyDeployment(projectId: string, target: 'PRODUCTION' | 'PREVIEW', status: 'READY' | 'BUILDING' | 'FAILED' | 'CANCELED' = 'READY') {
    const d = await platform.prisma.deployment.create({
      data: { id: newId('dpl'), projectId, target, source: 'GIT', gitRef: 'main', status, createdAt: new Date(Date.now() + ++sequence), readyAt: status === 'READY' ? new Date() : null },
    });
    return d.id;
  }

  async function project(name: string) {
    return (await platform.as(team.token).post('/v1/projects').send({ name, gitRepositoryUrl: 'http://127.0.0.1:9/x.git' }).expect(201)).body as { id: string; slug: string };
  }

  const live = async (projectId: string) => (await platform.as(team.token).get(`/v1/projects/${projectId}`).expect(200)).body.liveDeploymentId;

  it('promotes a READY preview to production and records the AliasMoved event', async () => {
    const p = await project('Promote Me');
    const preview = await readyDeployment(p.id, 'PREVIEW');
    const res = await platform.as(team.token).post(`/v1/deployments/${preview}/promote`).expect(200);
    expect(res.body).toMatchObject({ projectId: p.id, deploymentId: preview, previousDeploymentId: null });
    expect(await live(p.id)).toBe(preview);
    const event = await platform.prisma.outboxMessage.findFirstOrThrow({ where: { key: p.id, type: 'AliasMoved.v1' } });
    expect(event.payload).toMatchObject({ payload: { projectId: p.id, slug: p.slug, deploymentId: preview } });
    await platform.as(team.token).post(`/v1/deployments/${preview}/promote`).expect(200);
    expect(await platform.prisma.outboxMessage.count({ where: { key: p.id, type: 'AliasMoved.v1' } })).toBe(1);
  });

  it('refuses to put a deployment that is not READY live, and changes nothing', async () => {
    const p = await project('Not Ready');
    const good = await readyDeployment(p.id, 'PRODUCTION');
    await platform.as(team.token).post(`/v1/deployments/${good}/promote`).expect(200);
    for (const status of ['BUILDING', 'FAILED', 'CANCELED'] as const) {
      const d = await readyDeployment(p.id, 'PRODUCTION', status);
      const res = await platform.as(team.token).post(`/v1/deployments/${d}/promote`).expect(409);
      expect(res.body).toMatchObject({ code: 'DEPLOYMENT_NOT_READY', currentStatus: status });
    }
    expect(await live(p.id)).toBe(good);
  });

  it('rolls back to the previous production deployment, then further, then to a named one', async () => {
    const p = await project('Roll Back');
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({}).expect(409)).body.code).toBe('NO_PREVIOUS_DEPLOYMENT');
    const v1 = await readyDeployment(p.id, 'PRODUCTION');
    const v2 = await readyDeployment(p.id, 'PRODUCTION');
    const v3 = await readyDeployment(p.id, 'PRODUCTION');
    await platform.as(team.token).post(`/v1/deployments/${v3}/promote`).expect(200);
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({}).expect(200)).body).toMatchObject({ deploymentId: v2, previousDeploymentId: v3 });
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({}).expect(200)).body.deploymentId).toBe(v1);
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({}).expect(409)).body.code).toBe('NO_PREVIOUS_DEPLOYMENT');
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({ deploymentId: v3 }).expect(200)).body.deploymentId).toBe(v3);
    expect(await live(p.id)).toBe(v3);
    // Each replaced deployment records when the alias last left it, as its AliasMoved event says.
    const moves = (await platform.prisma.outboxMessage.findMany({ where: { key: p.id, type: 'AliasMoved.v1' } })).map(
      (m) => (m.payload as { payload: { previousDeploymentId?: string; movedAt: string } }).payload,
    );
    const lastLeft = (id: string) => moves.filter((e) => e.previousDeploymentId === id).map((e) => e.movedAt).sort().at(-1);
    for (const id of [v1, v2, v3]) {
      expect(lastLeft(id)).toBeDefined(); // v3 is live again, and was left before
      expect((await platform.prisma.deployment.findUniqueOrThrow({ where: { id } })).leftProductionAt?.toISOString()).toBe(lastLeft(id));
    }
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({ deploymentId: 'nope' }).expect(422)).body.errors[0].field).toBe('deploymentId');
  });

  it("hides another team's deployments and projects", async () => {
    const p = await project('Mine');
    const d = await readyDeployment(p.id, 'PRODUCTION');
    await platform.as(other.token).post(`/v1/deployments/${d}/promote`).expect(404);
    await platform.as(other.token).post(`/v1/projects/${p.id}/rollback`).send({}).expect(404);
    const elsewhere = (await platform.as(other.token).post('/v1/projects').send({ name: 'Theirs' }).expect(201)).body;
    await platform.as(other.token).post(`/v1/projects/${elsewhere.id}/rollback`).send({ deploymentId: d }).expect(404);
    expect(await live(p.id)).toBeNull();
  });

  it('a server app is started before the alias moves: 202 starting, the deployment shows the promotion, and why it failed', async () => {
    const p = await project('Server App');
    const live0 = await readyDeployment(p.id, 'PRODUCTION');
    await platform.as(team.token).post(`/v1/deployments/${live0}/promote`).expect(200);
    const app = await readyDeployment(p.id, 'PRODUCTION');
    // An image no engine has: the orchestrator cannot start it.
    await platform.prisma.deployment.update({ where: { id: app }, data: { runtime: 'container', imageRef: `deploysphere-test/missing-${app}:none`, imageDigest: 'sha256:none' } });
    const res = await platform.as(team.token).post(`/v1/deployments/${app}/promote`).expect(202);
    expect(res.body).toEqual({ projectId: p.id, deploymentId: app, previousDeploymentId: live0, state: 'starting', movedAt: null });
    expect(await live(p.id)).toBe(live0);
    const failed = await eventually(async () => {
      const d = (await platform.as(team.token).get(`/v1/deployments/${app}`).expect(200)).body;
      expect(d.promotion).not.toBeNull();
      return d.promotion.state === 'failed' ? d : undefined;
    });
    expect(failed.status).toBe('READY');
    expect(failed.promotion).toMatchObject({ state: 'failed', requestedAt: null, failureCode: 'APP_START_FAILED' });
    expect(await live(p.id)).toBe(live0);
    expect(await platform.prisma.outboxMessage.count({ where: { key: p.id, type: 'AliasMoved.v1', payload: { path: ['payload', 'deploymentId'], equals: app } } })).toBe(0);

    // A rollback to it is the same request; a move to a static deployment meanwhile supersedes it.
    const rolled = await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({ deploymentId: app }).expect(202);
    expect(rolled.body).toMatchObject({ deploymentId: app, state: 'starting', movedAt: null });
    expect((await platform.as(team.token).post(`/v1/projects/${p.id}/rollback`).send({ deploymentId: live0 }).expect(200)).body).toMatchObject({ deploymentId: live0, state: 'moved' });
    const superseded = (await platform.as(team.token).get(`/v1/deployments/${app}`).expect(200)).body.promotion;
    expect(['SUPERSEDED', 'APP_START_FAILED']).toContain(superseded.failureCode);
    expect(superseded.state).toBe('failed');
    expect(await live(p.id)).toBe(live0);
  });
});
