import { createHmac, randomUUID } from 'node:crypto';
import { testDatabaseKinds } from '@deploysphere/testing';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const SECRET = 'whsec_0123456789abcdef0123456789';
const TOKEN = 'ghp_PrivateRepoToken_abcdef0123456789';
const SHA = (c: string) => c.repeat(40);

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A GitHub push payload, pretty-printed: the signature must be checked over these exact bytes, not a re-serialization. */
const push = (ref: string, after: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ref, before: SHA('0'), after, repository: { full_name: 'acme/site' }, head_commit: { id: after, message: `Commit ${after.slice(0, 7)}` }, ...extra }, null, 2);

describe.each(testDatabaseKinds())('git settings and push webhook on %s', (kind) => {
  let platform: TestPlatform;
  let alice: { teamId: string; token: string };
  let bob: { teamId: string; token: string };
  let projectId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { BUILD_RUNNER: 'process' });
    alice = await createTeamWithToken(platform, 'Pushers');
    bob = await createTeamWithToken(platform, 'Strangers');
    projectId = (await platform.as(alice.token).post('/v1/projects').send({ name: 'Pushed Site' }).expect(201)).body.id;
    await platform
      .as(alice.token)
      .put(`/v1/projects/${projectId}/git`)
      .send({ repositoryUrl: 'http://127.0.0.1:9/acme/site.git', productionBranch: 'main', credential: { token: TOKEN }, webhookSecret: SECRET })
      .expect(200);
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const deliver = (body: string, options: { event?: string; delivery?: string; secret?: string | null; project?: string } = {}) => {
    const req = platform
      .anonymous()
      .post(`/v1/webhooks/git/${options.project ?? projectId}`)
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', options.event ?? 'push')
      .set('X-GitHub-Delivery', options.delivery ?? randomUUID());
    if (options.secret !== null) req.set('X-Hub-Signature-256', sign(options.secret ?? SECRET, body));
    return req.send(body);
  };
  const deployments = () => platform.prisma.deployment.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });

  describe('git settings', () => {
    it('shows whether secrets are set, never the secrets, and stores them sealed', async () => {
      const res = await platform.as(alice.token).get(`/v1/projects/${projectId}/git`).expect(200);
      expect(res.body).toEqual({
        projectId,
        repositoryUrl: 'http://127.0.0.1:9/acme/site.git',
        productionBranch: 'main',
        hasCredential: true,
        hasWebhookSecret: true,
        webhookPath: `/v1/webhooks/git/${projectId}`,
      });
      const project = await platform.as(alice.token).get(`/v1/projects/${projectId}`).expect(200);
      for (const text of [JSON.stringify(res.body), JSON.stringify(project.body)]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(SECRET);
      }
      const row = await platform.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
      expect(row.gitCredential).toMatch(/^v1\./);
      expect(row.gitCredential).not.toContain(TOKEN);
      expect(row.gitWebhookSecret).toMatch(/^v1\./);
      expect(row.gitWebhookSecret).not.toContain(SECRET);
    });

    it('validates the settings and hides other teams\' projects', async () => {
      const bad = await platform
        .as(alice.token)
        .put(`/v1/projects/${projectId}/git`)
        .send({ repositoryUrl: `https://user:${TOKEN}@127.0.0.1:9/a.git`, webhookSecret: 'short', credential: { token: 'has space' } })
        .expect(422);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['credential.token', 'repositoryUrl', 'webhookSecret']);
      expect(JSON.stringify(bad.body)).not.toContain(TOKEN);
      await platform.as(bob.token).put(`/v1/projects/${projectId}/git`).send({ productionBranch: 'x' }).expect(404);
      await platform.as(bob.token).get(`/v1/projects/${projectId}/git`).expect(404);
    });
  });

  describe('push webhook', () => {
    it('turns a signed push to the production branch into a PRODUCTION deployment of that commit', async () => {
      const res = await deliver(push('refs/heads/main', SHA('a')), { delivery: 'delivery-main-1' }).expect(202);
      expect(res.body).toMatchObject({ deliveryId: 'delivery-main-1', event: 'push', outcome: 'DEPLOYMENT_CREATED', redelivered: false });
      const deployment = await platform.prisma.deployment.findUniqueOrThrow({ where: { id: res.body.deploymentId } });
      expect(deployment).toMatchObject({ projectId, target: 'PRODUCTION', source: 'GIT', gitRef: 'main', commitSha: SHA('a'), commitMessage: 'Commit aaaaaaa', createdByTokenId: null });
      const event = await platform.prisma.outboxMessage.findFirst({ where: { key: deployment.id, type: 'DeploymentRequested.v1' } });
      expect(event?.payload).toMatchObject({ payload: { deploymentId: deployment.id, teamId: alice.teamId, source: 'GIT', target: 'PRODUCTION', commitSha: SHA('a') } });
    });

    it('deploys any other branch as a PREVIEW', async () => {
      const res = await deliver(push('refs/heads/feature/login', SHA('b'))).expect(202);
      const deployment = await platform.prisma.deployment.findUniqueOrThrow({ where: { id: res.body.deploymentId } });
      expect(deployment).toMatchObject({ target: 'PREVIEW', gitRef: 'feature/login', commitSha: SHA('b') });
    });

    it('answers a redelivery with the recorded result and creates nothing', async () => {
      const body = push('refs/heads/main', SHA('c'));
      const first = await deliver(body, { delivery: 'delivery-replayed' }).expect(202);
      const count = (await deployments()).length;
      const again = await deliver(body, { delivery: 'delivery-replayed' }).expect(202);
      expect(again.body).toEqual({ ...first.body, redelivered: true });
      expect((await deployments()).length).toBe(count);
    });

    it('creates one deployment for concurrent copies of a delivery', async () => {
      const body = push('refs/heads/main', SHA('d'));
      const before = (await deployments()).length;
      const results = await Promise.all([1, 2, 3].map(() => deliver(body, { delivery: 'delivery-raced' })));
      expect(new Set(results.map((r) => r.body.deploymentId)).size).toBe(1);
      expect(results.filter((r) => r.body.redelivered === false)).toHaveLength(1);
      expect((await deployments()).length).toBe(before + 1);
    });

    it('answers ping, and acknowledges branch deletions, tags and other events without deploying', async () => {
      const before = (await deployments()).length;
      expect((await deliver(JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), { event: 'ping' }).expect(200)).body.outcome).toBe('PONG');
      expect((await deliver(push('refs/heads/old', SHA('0'), { deleted: true })).expect(200)).body.outcome).toBe('IGNORED_BRANCH_DELETED');
      expect((await deliver(push('refs/tags/v1.0.0', SHA('e'))).expect(200)).body.outcome).toBe('IGNORED_TAG');
      expect((await deliver(JSON.stringify({ action: 'opened' }), { event: 'issues' }).expect(200)).body.outcome).toBe('IGNORED_EVENT');
      expect((await deployments()).length).toBe(before);
    });

    it('gives the same 401 for a bad, missing or foreign signature and for an unknown project', async () => {
      const body = push('refs/heads/main', SHA('f'));
      const before = (await deployments()).length;
      const answers = [
        await deliver(body, { secret: 'not-the-secret-at-all' }).expect(401),
        await deliver(body, { secret: null }).expect(401),
        await deliver(body, { project: 'prj_00000000000000000000000000' }).expect(401),
        await deliver(body, { project: 'not-an-id' }).expect(401),
        await deliver(`${body} `, {}).set('X-Hub-Signature-256', sign(SECRET, body)).expect(401),
      ];
      for (const res of answers) {
        expect(res.body).toMatchObject({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
        expect(res.body.title).toBe(answers[0].body.title);
      }
      expect((await deployments()).length).toBe(before);
    });

    it('refuses a signed delivery without a delivery id, and a form-encoded body', async () => {
      const body = push('refs/heads/main', SHA('1'));
      const res = await platform
        .anonymous()
        .post(`/v1/webhooks/git/${projectId}`)
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'push')
        .set('X-Hub-Signature-256', sign(SECRET, body))
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('WEBHOOK_DELIVERY_ID_INVALID');
      await platform.anonymous().post(`/v1/webhooks/git/${projectId}`).set('Content-Type', 'application/x-www-form-urlencoded').send(`payload=${encodeURIComponent(body)}`).expect(415);
    });

    it('follows secret rotation and removal', async () => {
      const body = push('refs/heads/main', SHA('2'));
      const rotated = 'whsec_rotated_0123456789abcdef';
      await platform.as(alice.token).put(`/v1/projects/${projectId}/git`).send({ webhookSecret: rotated }).expect(200);
      await deliver(body).expect(401);
      await deliver(body, { secret: rotated }).expect(202);
      await platform.as(alice.token).put(`/v1/projects/${projectId}/git`).send({ webhookSecret: null }).expect(200);
      await deliver(body, { secret: rotated }).expect(401);
      await platform.as(alice.token).put(`/v1/projects/${projectId}/git`).send({ webhookSecret: SECRET }).expect(200);
    });

    it('answers 409 for a push to a project without a repository URL', async () => {
      await platform.as(alice.token).put(`/v1/projects/${projectId}/git`).send({ repositoryUrl: null }).expect(200);
      try {
        expect((await deliver(push('refs/heads/main', SHA('3'))).expect(409)).body.code).toBe('PROJECT_HAS_NO_GIT_REPOSITORY');
      } finally {
        await platform.as(alice.token).put(`/v1/projects/${projectId}/git`).send({ repositoryUrl: 'http://127.0.0.1:9/acme/site.git' }).expect(200);
      }
    });

    it('is documented in the OpenAPI document without bearer auth', async () => {
      const doc = (await platform.anonymous().get('/openapi.json').expect(200)).body;
      const op = doc.paths['/v1/webhooks/git/{projectId}'].post;
      expect(op.operationId).toBe('receiveGitWebhook');
      expect(op.security).toBeUndefined();
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['X-Hub-Signature-256', 'X-GitHub-Event', 'X-GitHub-Delivery']));
      expect(doc.paths['/v1/projects/{projectId}/git'].put.operationId).toBe('setProjectGit');
    });
  });
});
