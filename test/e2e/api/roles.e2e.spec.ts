import { testDatabaseKinds } from '@deploysphere/testing';
import { Browser } from '../../support/browser';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const PASSWORD = 'a long enough password';
const OWNER = { email: 'owner@example.com', password: PASSWORD, name: 'Olive Owner', teamName: 'Roles Inc' };

/** The token at the end of an invitation link. */
const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;

describe.each(testDatabaseKinds())('team roles on %s', (kind) => {
  let platform: TestPlatform;
  let owner: Browser;
  let member: Browser;
  let viewer: Browser;
  let teamId: string;
  let projectId: string;
  let other: { teamId: string; token: string };
  let othersProject: string;
  const browser = () => new Browser(platform.app.getHttpServer());

  /** Invites `email` with `role` and accepts as a new user: that user's signed-in browser. */
  async function join(email: string, role: string): Promise<Browser> {
    const invitation = await owner.post('/v1/team/invitations', { email, role });
    expect(invitation.status).toBe(201);
    const b = browser();
    const accepted = await b.post(`/v1/auth/invitations/${tokenOf(invitation.body.url)}/accept`, { name: email.split('@')[0], password: PASSWORD });
    expect(accepted.status).toBe(200);
    return b;
  }

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { BUILD_CONCURRENCY: '0', DEPLOYSPHERE_PUBLIC_URL: 'https://deploy.example.com' });
    owner = browser();
    const setup = await owner.post('/v1/auth/setup', OWNER, { headers: { Authorization: `Bearer ${platform.adminToken}` } });
    expect(setup.status).toBe(201);
    teamId = setup.body.team.id;
    // Setup with the admin token as bearer signs in the new owner as well.
    expect(owner.cookies.has('ds_session')).toBe(true);
    projectId = (await owner.post('/v1/projects', { name: 'Roles Site', gitRepositoryUrl: 'http://127.0.0.1:9/a.git' })).body.id;
    await owner.post(`/v1/projects/${projectId}/env`, { key: 'DB_PASSWORD', value: 'hunter2-canary', secret: true });
    member = await join('member@example.com', 'member');
    viewer = await join('viewer@example.com', 'viewer');
    other = await createTeamWithToken(platform, 'Elsewhere');
    othersProject = (await platform.as(other.token).post('/v1/projects').send({ name: 'Elsewhere Site' }).expect(201)).body.id;
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
  });

  describe('invitations', () => {
    it('gives a link under the public URL whose preview names the team, email and role', async () => {
      const created = await owner.post('/v1/team/invitations', { email: 'Grace@Example.com', role: 'member' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.stringMatching(/^inv_/), email: 'Grace@Example.com', role: 'member', expiresAt: expect.any(String) });
      expect(created.body.url).toMatch(/^https:\/\/deploy\.example\.com\/invite\/dsi_[A-Za-z0-9_-]{43}$/);
      const days = (new Date(created.body.expiresAt).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);
      const preview = await platform.anonymous().get(`/v1/auth/invitations/${tokenOf(created.body.url)}`).expect(200);
      expect(preview.body).toMatchObject({ teamName: 'Roles Inc', email: 'Grace@Example.com', role: 'member', existingUser: false });
      const listed = await owner.get('/v1/team/invitations');
      expect(listed.body.data.map((i: { id: string }) => i.id)).toContain(created.body.id);
      expect(JSON.stringify(listed.body)).not.toContain(tokenOf(created.body.url));
    });

    it('works once: accepting signs the new user in, and the link is then invalid', async () => {
      const created = await owner.post('/v1/team/invitations', { email: 'once@example.com', role: 'viewer' });
      const token = tokenOf(created.body.url);
      const b = browser();
      const accepted = await b.post(`/v1/auth/invitations/${token}/accept`, { name: 'Once', password: PASSWORD });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ user: { email: 'once@example.com', name: 'Once' }, teams: [{ id: teamId, role: 'viewer' }] });
      expect((await b.get('/v1/auth/me')).body).toMatchObject({ role: 'viewer', team: { id: teamId } });
      const again = await browser().post(`/v1/auth/invitations/${token}/accept`, { name: 'Twice', password: PASSWORD });
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('INVITATION_INVALID');
      expect((await platform.anonymous().get(`/v1/auth/invitations/${token}`).expect(404)).body.code).toBe('INVITATION_INVALID');
      expect(await platform.prisma.user.count({ where: { name: 'Twice' } })).toBe(0);
      expect((await owner.get('/v1/team/invitations')).body.data.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
    });

    it('refuses an expired, a withdrawn and an unknown link alike', async () => {
      const expired = await owner.post('/v1/team/invitations', { email: 'late@example.com', role: 'member' });
      await platform.prisma.invitation.update({ where: { id: expired.body.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const withdrawn = await owner.post('/v1/team/invitations', { email: 'withdrawn@example.com', role: 'member' });
      expect((await owner.delete(`/v1/team/invitations/${withdrawn.body.id}`)).status).toBe(204);
      for (const token of [tokenOf(expired.body.url), tokenOf(withdrawn.body.url), 'dsi_unknown']) {
        const accept = await browser().post(`/v1/auth/invitations/${token}/accept`, { name: 'Late', password: PASSWORD });
        expect(accept.status).toBe(404);
        expect(accept.body.code).toBe('INVITATION_INVALID');
      }
      expect(await platform.prisma.user.count({ where: { emailKey: { in: ['late@example.com', 'withdrawn@example.com'] } } })).toBe(0);
    });

    it('adds an existing user with their password, who then picks the acting team', async () => {
      const second = await platform.as(platform.adminToken).post('/v1/teams').send({ name: 'Second Team' }).expect(201);
      const ownerToken = await platform.as(platform.adminToken).post(`/v1/teams/${second.body.id}/tokens`).send({ name: 'o', scopes: ['admin'] }).expect(201);
      const invitation = await platform.as(ownerToken.body.token).post('/v1/team/invitations').send({ email: 'MEMBER@example.com', role: 'owner' }).expect(201);
      const token = tokenOf(invitation.body.url);
      expect((await platform.anonymous().get(`/v1/auth/invitations/${token}`).expect(200)).body.existingUser).toBe(true);
      const wrong = await browser().post(`/v1/auth/invitations/${token}/accept`, { password: 'not their password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      const b = browser();
      const accepted = await b.post(`/v1/auth/invitations/${token}/accept`, { password: PASSWORD });
      expect(accepted.status).toBe(200);
      expect(accepted.body.teams).toEqual([expect.objectContaining({ id: teamId, role: 'member' }), expect.objectContaining({ id: second.body.id, role: 'owner' })]);
      // The first team joined is the default; X-DeploySphere-Team picks another.
      expect((await b.get('/v1/auth/me')).body).toMatchObject({ team: { id: teamId }, role: 'member' });
      b.team = second.body.id;
      expect((await b.get('/v1/auth/me')).body).toMatchObject({ team: { id: second.body.id }, role: 'owner' });
      expect((await b.get('/v1/team/members')).body.data.map((m: { email: string }) => m.email)).toEqual(['member@example.com']);
      b.team = other.teamId;
      const foreign = await b.get('/v1/projects');
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('TEAM_NOT_FOUND');
    });
  });

  describe('what each role may do', () => {
    it('viewer: reads, but cannot deploy, change settings or env, or read a secret value', async () => {
      expect((await viewer.get('/v1/projects')).status).toBe(200);
      expect((await viewer.get(`/v1/projects/${projectId}`)).status).toBe(200);
      const env = await viewer.get(`/v1/projects/${projectId}/env`);
      expect(env.status).toBe(200);
      expect(env.body.items.length).toBeGreaterThan(0);
      for (const item of env.body.items) expect(item).toMatchObject({ key: 'DB_PASSWORD', secret: true, value: null });
      expect(JSON.stringify(env.body)).not.toContain('hunter2');
      const refused = [
        await viewer.post(`/v1/projects/${projectId}/deployments`, {}),
        await viewer.post(`/v1/projects/${projectId}/env`, { key: 'X', value: 'y' }),
        await viewer.delete(`/v1/projects/${projectId}/env/DB_PASSWORD`),
        await viewer.patch(`/v1/projects/${projectId}`, { buildCommand: 'evil' }),
        await viewer.post('/v1/projects', { name: 'viewer made' }),
        await viewer.post(`/v1/projects/${projectId}/domains`, { hostname: 'viewer.example.com' }),
        await viewer.post(`/v1/projects/${projectId}/rollback`, {}),
      ];
      for (const res of refused) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('INSUFFICIENT_ROLE');
      }
      expect((await owner.get(`/v1/projects/${projectId}`)).body.buildCommand).not.toBe('evil');
    });

    it('member: deploys and changes env, but cannot manage members, invitations or tokens', async () => {
      expect((await member.post(`/v1/projects/${projectId}/deployments`, {})).status).toBe(202);
      expect((await member.post(`/v1/projects/${projectId}/env`, { key: 'FEATURE', value: 'on' })).status).toBe(200);
      const viewerId = (await viewer.get('/v1/auth/me')).body.user.id;
      const refused = [
        await member.patch(`/v1/team/members/${viewerId}`, { role: 'owner' }),
        await member.delete(`/v1/team/members/${viewerId}`),
        await member.post('/v1/team/invitations', { email: 'x@example.com', role: 'owner' }),
        await member.get('/v1/team/invitations'),
        await member.get('/v1/team/tokens'),
        await member.post('/v1/team/tokens', { name: 'mine', role: 'member' }),
      ];
      for (const res of refused) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('INSUFFICIENT_ROLE');
      }
      expect((await member.get('/v1/team/members')).status).toBe(200);
      expect((await owner.get('/v1/team/members')).body.data.find((m: { userId: string }) => m.userId === viewerId).role).toBe('viewer');
    });

    it("owner: manages members and tokens; another team's resources are 404", async () => {
      const members = (await owner.get('/v1/team/members')).body.data;
      expect(members.map((m: { role: string }) => m.role)).toEqual(expect.arrayContaining(['owner', 'member', 'viewer']));
      expect(members[0]).toEqual({ userId: expect.any(String), email: 'owner@example.com', name: 'Olive Owner', role: 'owner', joinedAt: expect.any(String) });
      expect((await owner.get(`/v1/projects/${othersProject}`)).status).toBe(404);
      expect((await owner.post(`/v1/projects/${othersProject}/deployments`, {})).status).toBe(404);
      expect((await viewer.get(`/v1/projects/${othersProject}/env`)).status).toBe(404);
      const strangerId = (await platform.prisma.user.findFirstOrThrow({ where: { emailKey: 'member@example.com' } })).id;
      // A user of this team seen from another team's token is not found there.
      expect((await platform.as(other.token).get('/v1/team/members').expect(200)).body.data).toEqual([]);
      await platform.as(other.token).patch(`/v1/team/members/${strangerId}`).send({ role: 'viewer' }).expect(403);
    });

    it('team tokens carry a role: made, listed and revoked by owners, and held to their role', async () => {
      const made = await owner.post('/v1/team/tokens', { name: 'read-only ci', role: 'viewer' });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ name: 'read-only ci', role: 'viewer', scopes: ['read'], teamId, token: expect.stringMatching(/^dsp_/) });
      await platform.as(made.body.token).get('/v1/projects').expect(200);
      expect((await platform.as(made.body.token).post(`/v1/projects/${projectId}/deployments`).send({}).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
      const ownerToken = (await owner.post('/v1/team/tokens', { name: 'admin ci', role: 'owner' })).body;
      await platform.as(ownerToken.token).post('/v1/team/invitations').send({ email: 'bot-invited@example.com', role: 'viewer' }).expect(201);
      // An owner token is the team's owner, not the installation's operator.
      await platform.as(ownerToken.token).post('/v1/teams').send({ name: 'Nope' }).expect(403);
      const listed = await owner.get('/v1/team/tokens');
      expect(listed.body.items.map((t: { id: string; role: string }) => [t.id, t.role])).toEqual(expect.arrayContaining([[made.body.id, 'viewer'], [ownerToken.id, 'owner']]));
      expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
      expect((await owner.delete(`/v1/team/tokens/${made.body.id}`)).status).toBe(204);
      await platform.as(made.body.token).get('/v1/projects').expect(401);
      // Existing routes keep working for existing tokens.
      await platform.as(other.token).get('/v1/tokens').expect(200);
    });
  });

  describe('the last owner', () => {
    it('cannot be demoted or removed; with a second owner both work', async () => {
      const me = (await owner.get('/v1/auth/me')).body.user.id;
      const demote = await owner.patch(`/v1/team/members/${me}`, { role: 'member' });
      expect(demote.status).toBe(409);
      expect(demote.body.code).toBe('LAST_OWNER');
      expect((await owner.delete(`/v1/team/members/${me}`)).body.code).toBe('LAST_OWNER');
      const viewerId = (await viewer.get('/v1/auth/me')).body.user.id;
      expect((await owner.patch(`/v1/team/members/${viewerId}`, { role: 'owner' })).body).toMatchObject({ userId: viewerId, role: 'owner' });
      expect((await viewer.get('/v1/auth/me')).body.role).toBe('owner');
      expect((await viewer.patch(`/v1/team/members/${me}`, { role: 'viewer' })).status).toBe(200);
      expect((await owner.get('/v1/auth/me')).body.role).toBe('viewer');
      expect((await owner.post('/v1/team/invitations', { email: 'z@example.com', role: 'viewer' })).status).toBe(403);
      expect((await viewer.delete(`/v1/team/members/${me}`)).status).toBe(204);
      // Still signed in, but no longer in any team.
      const gone = await owner.get('/v1/projects');
      expect(gone.status).toBe(403);
      expect(gone.body.code).toBe('NO_TEAM');
      expect((await owner.get('/v1/auth/me')).body).toMatchObject({ team: null, role: null, teams: [] });
    });
  });
});
