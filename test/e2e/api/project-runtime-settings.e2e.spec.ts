import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

/** A project's server-app settings: stored, returned, bounded by the platform's maxima, cleared by null. */
describe('project runtime settings', () => {
  let platform: TestPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startTestPlatform('postgres', { BUILD_CONCURRENCY: '0', APP_MAX_MEMORY_MB: '1024', APP_MAX_CPUS: '2', APP_MAX_REPLICAS: '3' });
    ({ token } = await createTeamWithToken(platform, 'runtime-settings'));
  });
  afterAll(async () => platform?.close());

  const settings = { runtime: 'container', port: 8080, healthCheckPath: '/healthz', startCommand: 'node server.js', replicas: 2, memoryMb: 512, cpus: 0.5, idleTimeoutSeconds: 300 };

  it('stores them on create and update, returns them, and null clears them (null runtime = detect)', async () => {
    const api = platform.as(token);
    const created = await api.post('/v1/projects').send({ name: 'server app', ...settings }).expect(201);
    expect(created.body).toMatchObject(settings);
    const got = await api.get(`/v1/projects/${created.body.id}`).expect(200);
    expect(got.body).toMatchObject(settings);
    const cleared = await api
      .patch(`/v1/projects/${created.body.id}`)
      .send({ runtime: null, port: null, healthCheckPath: null, startCommand: null, replicas: null, memoryMb: null, cpus: null, idleTimeoutSeconds: 0 })
      .expect(200);
    expect(cleared.body).toMatchObject({ runtime: null, port: null, healthCheckPath: null, startCommand: null, replicas: null, memoryMb: null, cpus: null, idleTimeoutSeconds: 0 });
  });

  it('refuses a value above the platform maximum with 422 APP_LIMIT_EXCEEDED, naming each field, and changes nothing', async () => {
    const api = platform.as(token);
    const project = await api.post('/v1/projects').send({ name: 'bounded', memoryMb: 256 }).expect(201);
    const res = await api.patch(`/v1/projects/${project.body.id}`).send({ name: 'renamed', memoryMb: 2048, cpus: 4, replicas: 4 }).expect(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('APP_LIMIT_EXCEEDED');
    expect(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]).sort()).toEqual([
      ['cpus', 'exceedsPlatformMaximum'],
      ['memoryMb', 'exceedsPlatformMaximum'],
      ['replicas', 'exceedsPlatformMaximum'],
    ]);
    const after = await api.get(`/v1/projects/${project.body.id}`).expect(200);
    expect(after.body).toMatchObject({ name: 'bounded', memoryMb: 256, cpus: null, replicas: null });
    await api.post('/v1/projects').send({ name: 'too big', replicas: 4 }).expect(422);
    // At the maximum is fine.
    await api.patch(`/v1/projects/${project.body.id}`).send({ memoryMb: 1024, cpus: 2, replicas: 3 }).expect(200);
  });

  it.each([
    ['runtime', 'lambda'],
    ['port', 0],
    ['port', 65_536],
    ['port', 80.5],
    ['healthCheckPath', 'healthz'],
    ['healthCheckPath', '/a b'],
    ['healthCheckPath', '/x?y=1'],
    ['startCommand', ''],
    ['replicas', 0],
    ['memoryMb', 16],
    ['cpus', 0],
    ['cpus', '1'],
    ['idleTimeoutSeconds', -1],
  ])('refuses %s = %j with a 4xx and a stable code', async (field, value) => {
    const api = platform.as(token);
    const res = await api.post('/v1/projects').send({ name: 'bad', [field]: value });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('a deployment says how it is served and, for a container, its image (null until known)', async () => {
    const api = platform.as(token);
    const project = await api.post('/v1/projects').send({ name: 'deployed', gitRepositoryUrl: 'https://git.example.com/acme/app.git' }).expect(201);
    // BUILD_CONCURRENCY=0: it stays QUEUED, before its build decided anything.
    const dep = await api.post(`/v1/projects/${project.body.id}/deployments`).send({ target: 'PREVIEW', gitRef: 'main' }).expect(202);
    expect(dep.body).toMatchObject({ runtime: null, imageRef: null, imageDigest: null });
  });
});
