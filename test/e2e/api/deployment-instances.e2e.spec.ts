import { newId } from '@deploysphere/common';
import { testDatabaseKinds } from '@deploysphere/testing';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const PROBLEM = /application\/problem\+json/;

describe.each(testDatabaseKinds())('GET /v1/deployments/{id}/instances on %s', (kind) => {
  let platform: TestPlatform;
  let alice: { teamId: string; token: string };
  let bob: { teamId: string; token: string };

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { BUILD_CONCURRENCY: '0' });
    alice = await createTeamWithToken(platform, 'Alice Apps');
    bob = await createTeamWithToken(platform, 'Bob Apps');
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it("lists what the orchestrator recorded for the team's deployment; another team's or an unknown one is a 404 problem", async () => {
    const project = (await platform.as(alice.token).post('/v1/projects').send({ name: 'Api App', gitRepositoryUrl: 'http://127.0.0.1:9/a.git' }).expect(201)).body;
    const deployment = (await platform.as(alice.token).post(`/v1/projects/${project.id}/deployments`).send({}).expect(202)).body;
    expect((await platform.as(alice.token).get(`/v1/deployments/${deployment.id}/instances`).expect(200)).body).toEqual({ data: [] });

    const startedAt = new Date('2026-12-07T21:40:00.000Z');
    await platform.prisma.appInstance.createMany({
      data: [
        { id: 'c0ffee01', deploymentId: deployment.id, projectId: project.id, runtime: 'docker', address: '172.30.0.5:3000', state: 'running', restarts: 0, startedAt },
        { id: 'c0ffee02', deploymentId: deployment.id, projectId: project.id, runtime: 'docker', address: null, state: 'restarting', restarts: 3, startedAt: null },
      ],
    });
    const listed = (await platform.as(alice.token).get(`/v1/deployments/${deployment.id}/instances`).expect(200)).body;
    expect(listed.data).toEqual([
      { id: 'c0ffee01', runtime: 'docker', address: '172.30.0.5:3000', state: 'running', restarts: 0, startedAt: startedAt.toISOString(), updatedAt: expect.any(String) },
      { id: 'c0ffee02', runtime: 'docker', address: null, state: 'restarting', restarts: 3, startedAt: null, updatedAt: expect.any(String) },
    ]);

    for (const [token, id] of [
      [bob.token, deployment.id],
      [alice.token, newId('dpl')],
    ]) {
      const res = await platform.as(token).get(`/v1/deployments/${id}/instances`).expect(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('DEPLOYMENT_NOT_FOUND');
    }
    expect((await platform.as(alice.token).get('/v1/deployments/not-an-id/instances')).status).toBeLessThan(500);
  });
});
