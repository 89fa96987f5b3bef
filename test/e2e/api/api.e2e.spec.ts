import { testDatabaseKinds } from '@deploysphere/testing';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const PROBLEM = /application\/problem\+json/;
const PUBLIC_AUTH_OPERATIONS = ['getSetupStatus', 'setUpFirstOwner', 'signIn', 'signOut', 'getInvitation', 'acceptInvitation'];

describe.each(testDatabaseKinds())('API v1 on %s', (kind) => {
  let platform: TestPlatform;
  let alice: { teamId: string; token: string };
  let bob: { teamId: string; token: string };

  beforeAll(async () => {
    // Builds paused: these tests are about the API's contract, so deployments stay where the API puts them.
    platform = await startTestPlatform(kind, { BUILD_CONCURRENCY: '0' });
    alice = await createTeamWithToken(platform, 'Alice Corp');
    bob = await createTeamWithToken(platform, 'Bob Inc');
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const createProject = async (token: string, body: Record<string, unknown>) =>
    (await platform.as(token).post('/v1/projects').send(body).expect(201)).body;

  describe('authentication', () => {
    it('rejects a request without a token with 401 problem+json', async () => {
      const res = await platform.anonymous().get('/v1/projects').expect(401);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED', instance: '/v1/projects' });
    });

    it('rejects an unknown token', async () => {
      const res = await platform.as('dsp_not-a-real-token').get('/v1/projects').expect(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    });

    it('rejects a revoked token and keeps the others working', async () => {
      const created = await platform.as(alice.token).post('/v1/tokens').send({ name: 'short-lived' }).expect(201);
      await platform.as(created.body.token).get('/v1/projects').expect(200);
      await platform.as(alice.token).delete(`/v1/tokens/${created.body.id}`).expect(204);
      await platform.as(alice.token).delete(`/v1/tokens/${created.body.id}`).expect(204);
      expect((await platform.as(created.body.token).get('/v1/projects').expect(401)).body.code).toBe('UNAUTHORIZED');
      await platform.as(alice.token).get('/v1/projects').expect(200);
    });

    it('rejects an expired token', async () => {
      // Far enough ahead that a loaded machine still uses it before it expires; then waits for the moment to pass.
      const expiresAt = Date.now() + 5_000;
      const created = await platform.as(alice.token).post('/v1/tokens').send({ name: 'expiring', expiresAt: new Date(expiresAt).toISOString() }).expect(201);
      await platform.as(created.body.token).get('/v1/projects').expect(200);
      while (Date.now() <= expiresAt) await new Promise((r) => setTimeout(r, Math.max(1, expiresAt + 1 - Date.now())));
      expect((await platform.as(created.body.token).get('/v1/projects').expect(401)).body.title).toMatch(/expired/);
    });

    it('enforces scopes: a read token cannot write, a team token cannot administer or escalate', async () => {
      const reader = await platform.as(alice.token).post('/v1/tokens').send({ name: 'reader', scopes: ['read'] }).expect(201);
      await platform.as(reader.body.token).get('/v1/projects').expect(200);
      expect((await platform.as(reader.body.token).post('/v1/projects').send({ name: 'x' }).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
      await platform.as(alice.token).post('/v1/teams').send({ name: 'Evil' }).expect(403);
      expect((await platform.as(alice.token).post('/v1/tokens').send({ name: 'up', scopes: ['admin'] }).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
    });

    it('lists tokens without their secrets', async () => {
      const res = await platform.as(alice.token).get('/v1/tokens').expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const t of res.body.items) {
        expect(t).not.toHaveProperty('token');
        expect(t).not.toHaveProperty('tokenHash');
        expect(t.teamId).toBe(alice.teamId);
      }
    });
  });

  describe('team isolation', () => {
    it("answers 404 for every read and write of another team's resources", async () => {
      const project = await createProject(alice.token, { name: 'Private Site', gitRepositoryUrl: 'http://127.0.0.1:9/a.git' });
      const deployment = (await platform.as(alice.token).post(`/v1/projects/${project.id}/deployments`).send({}).expect(202)).body;
      await platform.as(alice.token).post(`/v1/projects/${project.id}/env`).send({ key: 'TOKEN', value: 'v' }).expect(200);
      const bobs = platform.as(bob.token);
      const attempts = [
        bobs.get(`/v1/projects/${project.id}`),
        bobs.patch(`/v1/projects/${project.id}`).send({ name: 'pwned' }),
        bobs.delete(`/v1/projects/${project.id}`),
        bobs.get(`/v1/projects/${project.id}/env`),
        bobs.post(`/v1/projects/${project.id}/env`).send({ key: 'X', value: 'y' }),
        bobs.delete(`/v1/projects/${project.id}/env/TOKEN`),
        bobs.get(`/v1/projects/${project.id}/deployments`),
        bobs.post(`/v1/projects/${project.id}/deployments`).send({}),
        bobs.get(`/v1/deployments/${deployment.id}`),
        bobs.post(`/v1/deployments/${deployment.id}/cancel`),
      ];
      for (const attempt of attempts) {
        const res = await attempt;
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
      const listed = await bobs.get('/v1/projects').expect(200);
      expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(project.id);
      const stillThere = await platform.as(alice.token).get(`/v1/projects/${project.id}`).expect(200);
      expect(stillThere.body.name).toBe('Private Site');
      expect((await platform.as(alice.token).get(`/v1/deployments/${deployment.id}`).expect(200)).body.status).toBe('QUEUED');
    });
  });

  describe('validation and errors', () => {
    it('lists every bad field and rejects unknown fields, writing nothing', async () => {
      const before = await platform.prisma.project.count();
      const res = await platform.as(alice.token).post('/v1/projects').send({ name: '', framework: 'cobol', isAdmin: true, outputDirectory: '../etc' }).expect(422);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'framework', 'isAdmin', 'outputDirectory']));
      expect(res.body.errors.find((e: { field: string }) => e.field === 'isAdmin').code).toBe('unknownField');
      expect(await platform.prisma.project.count()).toBe(before);
    });

    it('answers malformed JSON with 400, a foreign content type with 415, an oversized body with 413', async () => {
      const malformed = await platform.as(alice.token).post('/v1/projects').set('Content-Type', 'application/json').send('{"name": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('MALFORMED_JSON');
      const text = await platform.as(alice.token).post('/v1/projects').set('Content-Type', 'text/plain').send('name=x');
      expect(text.status).toBe(415);
      expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const huge = await platform.as(alice.token).post('/v1/projects').send({ name: 'x', buildCommand: 'x'.repeat(1_200_000) });
      expect(huge.status).toBe(413);
      expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('treats malformed ids and cursors as client errors, never 500', async () => {
      expect((await platform.as(alice.token).get('/v1/projects/not-an-id').expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      expect((await platform.as(alice.token).get("/v1/projects/prj_' OR 1=1 --").expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      expect((await platform.as(alice.token).get('/v1/projects?cursor=bm9wZQ').expect(422)).body.code).toBe('VALIDATION_FAILED');
      expect((await platform.as(alice.token).get('/v1/projects?limit=1000').expect(422)).body.errors[0].field).toBe('limit');
      expect((await platform.as(alice.token).get('/v1/nowhere').expect(404)).body.code).toBe('ROUTE_NOT_FOUND');
    });
  });

  describe('projects', () => {
    it('derives a DNS-label slug from the name and suffixes it on collision', async () => {
      const a = await createProject(alice.token, { name: 'Ünïcode Café — Landing!' });
      expect(a.slug).toBe('unicode-cafe-landing');
      const b = await createProject(bob.token, { name: 'Unicode Cafe Landing' });
      expect(b.slug).toBe('unicode-cafe-landing-2');
    });

    it('takes a valid explicit slug, refuses an invalid or taken one', async () => {
      await createProject(alice.token, { name: 'Docs', slug: 'alice-docs' });
      expect((await platform.as(bob.token).post('/v1/projects').send({ name: 'Docs', slug: 'alice-docs' }).expect(409)).body.code).toBe('PROJECT_SLUG_TAKEN');
      for (const slug of ['Bad_Slug', '-x', 'x-', 'a'.repeat(64), 'www', 'a..b']) {
        const res = await platform.as(bob.token).post('/v1/projects').send({ name: 'Docs', slug });
        expect(res.status).toBe(422);
        expect(res.body.errors[0].field).toBe('slug');
      }
    });

    it('pages through projects with a cursor, newest first, without gaps or repeats', async () => {
      const team = await createTeamWithToken(platform, 'Pager');
      const created: string[] = [];
      for (let i = 0; i < 25; i++) created.push((await createProject(team.token, { name: `site ${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await platform
          .as(team.token)
          .get(`/v1/projects?limit=10${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        seen.push(...res.body.items.map((p) => p.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...created].reverse());
    });

    it('updates settings, clears one with null, and deletes', async () => {
      const p = await createProject(alice.token, { name: 'Settings', buildCommand: 'npm run build', outputDirectory: 'dist' });
      const updated = await platform.as(alice.token).patch(`/v1/projects/${p.id}`).send({ outputDirectory: null, framework: 'vite', name: 'Renamed' }).expect(200);
      expect(updated.body).toMatchObject({ name: 'Renamed', framework: 'vite', outputDirectory: null, buildCommand: 'npm run build', slug: p.slug });
      await platform.as(alice.token).patch(`/v1/projects/${p.id}`).send({ slug: 'new-slug' }).expect(422);
      const routed = await platform.as(alice.token).patch(`/v1/projects/${p.id}`).send({ spaFallback: true, cleanUrls: true }).expect(200);
      expect(routed.body).toMatchObject({ spaFallback: true, cleanUrls: true, custom404: true });
      const routing = await platform.prisma.outboxMessage.findMany({ where: { key: p.id, type: 'ProjectRoutingChanged.v1' }, orderBy: { createdAt: 'asc' } });
      expect(routing).toHaveLength(2);
      expect(routing[1].payload).toMatchObject({ payload: { slug: p.slug, spaFallback: true, cleanUrls: true, custom404: true, changedAt: routed.body.updatedAt } });
      await platform.as(alice.token).delete(`/v1/projects/${p.id}`).expect(204);
      await platform.as(alice.token).get(`/v1/projects/${p.id}`).expect(404);
      const event = await platform.prisma.outboxMessage.findFirst({ where: { key: p.id, type: 'ProjectDeleted.v1' } });
      expect(event).not.toBeNull();
    });
  });

  describe('environment variables', () => {
    it('encrypts every value at rest and never returns a secret', async () => {
      const p = await createProject(alice.token, { name: 'Env' });
      await platform.as(alice.token).post(`/v1/projects/${p.id}/env`).send({ key: 'STRIPE_KEY', value: 'sk_live_s3cr3t', secret: true }).expect(200);
      await platform.as(alice.token).post(`/v1/projects/${p.id}/env`).send({ key: 'PUBLIC_URL', value: 'https://x.test', targets: ['PRODUCTION'] }).expect(200);
      const list = await platform.as(alice.token).get(`/v1/projects/${p.id}/env`).expect(200);
      expect(JSON.stringify(list.body)).not.toContain('sk_live_s3cr3t');
      const secrets = list.body.items.filter((v: { key: string }) => v.key === 'STRIPE_KEY');
      expect(secrets).toHaveLength(2);
      expect(secrets.every((v: { value: unknown; secret: boolean }) => v.value === null && v.secret)).toBe(true);
      expect(list.body.items.find((v: { key: string }) => v.key === 'PUBLIC_URL')).toMatchObject({ value: 'https://x.test', target: 'PRODUCTION' });
      const rows = await platform.prisma.envVar.findMany({ where: { projectId: p.id } });
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.value).toMatch(/^v1\./);
        expect(row.value).not.toContain('s3cr3t');
        expect(row.value).not.toContain('x.test');
      }
    });

    it('replaces a value per target and deletes one target or all', async () => {
      const p = await createProject(alice.token, { name: 'Env2' });
      const env = `/v1/projects/${p.id}/env`;
      await platform.as(alice.token).post(env).send({ key: 'MODE', value: 'a' }).expect(200);
      await platform.as(alice.token).post(env).send({ key: 'MODE', value: 'b', targets: ['PREVIEW'] }).expect(200);
      const values = (await platform.as(alice.token).get(env).expect(200)).body.items.map((v: { target: string; value: string }) => `${v.target}=${v.value}`);
      expect(values.sort()).toEqual(['PREVIEW=b', 'PRODUCTION=a']);
      await platform.as(alice.token).delete(`${env}/MODE?target=PREVIEW`).expect(204);
      await platform.as(alice.token).delete(`${env}/MODE`).expect(204);
      await platform.as(alice.token).delete(`${env}/MODE`).expect(404);
      expect((await platform.as(alice.token).post(env).send({ key: '1BAD', value: 'x' }).expect(422)).body.errors[0].field).toBe('key');
    });
  });

  describe('deployments', () => {
    it('stores a requested deployment QUEUED with its event in the outbox, and the orchestrator receives it', async () => {
      const p = await createProject(alice.token, { name: 'Deploy Me', gitRepositoryUrl: 'http://127.0.0.1:9/site.git', productionBranch: 'trunk' });
      const res = await platform.as(alice.token).post(`/v1/projects/${p.id}/deployments`).set('X-Request-Id', 'walkthrough-1').send({ target: 'PREVIEW' }).expect(202);
      expect(res.body).toMatchObject({ projectId: p.id, status: 'QUEUED', target: 'PREVIEW', source: 'GIT', gitRef: 'trunk' });
      const outbox = await platform.prisma.outboxMessage.findFirstOrThrow({ where: { key: res.body.id } });
      expect(outbox).toMatchObject({ topic: 'deployments.requested.v1', type: 'DeploymentRequested.v1' });
      expect(outbox.payload).toMatchObject({ correlationId: 'walkthrough-1', payload: { deploymentId: res.body.id, target: 'PREVIEW' } });
      await waitFor(async () => (await platform.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: outbox.id } })) === 1);
      expect((await platform.prisma.outboxMessage.findUniqueOrThrow({ where: { id: outbox.id } })).publishedAt).not.toBeNull();
    });

    it('refuses a git deployment for a project without a repository, and stores nothing', async () => {
      const p = await createProject(alice.token, { name: 'No Git' });
      const res = await platform.as(alice.token).post(`/v1/projects/${p.id}/deployments`).send({}).expect(409);
      expect(res.body.code).toBe('PROJECT_HAS_NO_GIT_REPOSITORY');
      expect(await platform.prisma.deployment.count({ where: { projectId: p.id } })).toBe(0);
    });

    it('lists with filters and cancels: QUEUED goes CANCELED at once, twice is harmless, a finished one is a conflict', async () => {
      const p = await createProject(alice.token, { name: 'Cancel Me', gitRepositoryUrl: 'http://127.0.0.1:9/c.git' });
      const a = (await platform.as(alice.token).post(`/v1/projects/${p.id}/deployments`).send({}).expect(202)).body;
      const b = (await platform.as(alice.token).post(`/v1/projects/${p.id}/deployments`).send({ gitRef: 'feature/x' }).expect(202)).body;
      const listed = await platform.as(alice.token).get(`/v1/projects/${p.id}/deployments`).expect(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([b.id, a.id]);
      const canceled = await platform.as(alice.token).post(`/v1/deployments/${a.id}/cancel`).expect(200);
      expect(canceled.body).toMatchObject({ status: 'CANCELED', failureCode: 'CANCELED' });
      await platform.as(alice.token).post(`/v1/deployments/${a.id}/cancel`).expect(200);
      const onlyCanceled = await platform.as(alice.token).get(`/v1/projects/${p.id}/deployments?status=CANCELED`).expect(200);
      expect(onlyCanceled.body.items.map((d: { id: string }) => d.id)).toEqual([a.id]);
      await platform.prisma.deployment.update({ where: { id: b.id }, data: { status: 'READY', readyAt: new Date() } });
      const conflict = await platform.as(alice.token).post(`/v1/deployments/${b.id}/cancel`).expect(409);
      expect(conflict.body).toMatchObject({ code: 'DEPLOYMENT_NOT_CANCELABLE', status: 409 });
    });

    it('asks the orchestrator to stop a running build when it is canceled', async () => {
      const p = await createProject(alice.token, { name: 'Running', gitRepositoryUrl: 'http://127.0.0.1:9/r.git' });
      const d = (await platform.as(alice.token).post(`/v1/projects/${p.id}/deployments`).send({}).expect(202)).body;
      await platform.prisma.deployment.update({ where: { id: d.id }, data: { status: 'BUILDING', buildingAt: new Date() } });
      const res = await platform.as(alice.token).post(`/v1/deployments/${d.id}/cancel`).expect(200);
      expect(res.body).toMatchObject({ status: 'BUILDING' });
      expect(res.body.cancelRequestedAt).not.toBeNull();
      const event = await platform.prisma.outboxMessage.findFirstOrThrow({ where: { key: d.id, type: 'DeploymentCancelRequested.v1' } });
      await waitFor(async () => (await platform.prisma.processedMessage.count({ where: { consumer: 'orchestrator', messageId: event.id } })) === 1);
    });

    it('commits the deployment and its event together: if the event cannot be written, no deployment exists', async () => {
      const p = await createProject(alice.token, { name: 'Atomic', gitRepositoryUrl: 'http://127.0.0.1:9/t.git' });
      await platform.prisma.$executeRawUnsafe('ALTER TABLE outbox_messages RENAME TO outbox_messages_away');
      try {
        const res = await platform.as(alice.token).post(`/v1/projects/${p.id}/deployments`).send({});
        expect(res.status).toBe(500);
        expect(res.body.code).toBe('INTERNAL_ERROR');
      } finally {
        await platform.prisma.$executeRawUnsafe('ALTER TABLE outbox_messages_away RENAME TO outbox_messages');
      }
      expect(await platform.prisma.deployment.count({ where: { projectId: p.id } })).toBe(0);
    });
  });

  describe('OpenAPI', () => {
    it('describes every route with its auth and problem responses, and serves /docs', async () => {
      const doc = (await platform.anonymous().get('/openapi.json').expect(200)).body;
      expect(doc.openapi).toMatch(/^3\./);
      const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string; security?: unknown; responses: Record<string, unknown> }>>).flatMap(
        ([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
      );
      expect(operations.map((o) => o.operationId)).toEqual(
        expect.arrayContaining([
          'cancelDeployment', 'createProject', 'createTeam', 'createTeamToken', 'createToken', 'deleteEnvVar', 'deleteProject',
          'getDeployment', 'getProject', 'listDeployments', 'listEnvVars', 'listProjects', 'listTeams', 'listTokens',
          'requestDeployment', 'revokeToken', 'setEnvVar', 'updateProject', 'promoteDeployment', 'rollbackProject',
        ]),
      );
      for (const op of operations) {
        expect(op.operationId).toBeTruthy();
        // Webhooks authenticate by their own signature, sign-in, first-owner setup and invitation links are public; everything else needs a bearer token.
        if (op.path.startsWith('/v1/webhooks/') || PUBLIC_AUTH_OPERATIONS.includes(op.operationId)) continue;
        expect(op.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '422']));
        expect(Object.keys((op.responses['401'] as { content: object }).content)).toEqual(['application/problem+json']);
      }
      expect(doc.components.schemas.ProblemDetailsDto.properties.code).toBeDefined();
      const docs = await platform.anonymous().get('/docs').redirects(1).expect(200);
      expect(docs.text).toMatch(/swagger-ui/i);
    });

    it('answers /healthz and /readyz without a token', async () => {
      await platform.anonymous().get('/healthz').expect(200, { status: 'ok' });
      // Each check has a 2 s budget, which a loaded machine can overrun once: ready is a
      // condition the platform reaches, so ask until it answers 200 (bounded).
      let ready = await platform.anonymous().get('/readyz');
      for (const until = Date.now() + 30_000; ready.status !== 200 && Date.now() < until; ) {
        await new Promise((poll) => setTimeout(poll, 200));
        ready = await platform.anonymous().get('/readyz');
      }
      expect({ status: ready.status, checks: ready.body.checks }).toMatchObject({ status: 200, checks: { database: 'up', transport: 'up', artifacts: 'up' } });
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
