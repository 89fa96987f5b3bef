import { testDatabaseKinds } from '@deploysphere/testing';
import { Browser, parseSetCookies } from '../../support/browser';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const OWNER = { email: 'Ada@Example.com', password: 'analytical engine 1843', name: 'Ada Lovelace', teamName: 'Engines' };
const MAX_FAILURES = 3;
const ADDRESS_MAX_FAILURES = 12;

/** A problem's body without what differs per request. */
const problemOf = (body: Record<string, unknown>) => {
  const { requestId: _r, instance: _i, ...rest } = body;
  return rest;
};

/** Starts the platform, capturing the one-time setup token it prints. */
async function startCapturingSetupToken(kind: 'postgres' | 'pglite', env: Record<string, string>): Promise<{ platform: TestPlatform; setupToken: string }> {
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    printed.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
  try {
    const platform = await startTestPlatform(kind, env);
    const setupToken = /"setupToken": "([^"]+)"/.exec(printed.join(''))?.[1];
    if (!setupToken) throw new Error('no setup token was printed');
    return { platform, setupToken };
  } finally {
    spy.mockRestore();
  }
}

describe.each(testDatabaseKinds())('accounts on %s', (kind) => {
  let platform: TestPlatform;
  let setupToken: string;
  let other: { teamId: string; token: string };
  const browser = () => new Browser(platform.app.getHttpServer());

  beforeAll(async () => {
    ({ platform, setupToken } = await startCapturingSetupToken(kind, {
      BUILD_CONCURRENCY: '0',
      AUTH_SIGN_IN_MAX_FAILURES: String(MAX_FAILURES),
      AUTH_SIGN_IN_ADDRESS_MAX_FAILURES: String(ADDRESS_MAX_FAILURES),
    }));
    other = await createTeamWithToken(platform, 'Other Team');
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
  });

  describe('first owner', () => {
    it('is needed until created, and only with the printed setup token or the admin token', async () => {
      expect((await platform.anonymous().get('/v1/auth/setup').expect(200)).body).toEqual({ needed: true });
      const anonymous = browser();
      const wrong = await anonymous.post('/v1/auth/setup', { ...OWNER, setupToken: 'dss_wrong' }).then((r) => r);
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('SETUP_TOKEN_INVALID');
      expect((await anonymous.post('/v1/auth/setup', OWNER)).body.code).toBe('SETUP_TOKEN_INVALID');
      // A team's token is not the operator's.
      const member = await platform.as(other.token).post('/v1/auth/setup').send(OWNER).expect(403);
      expect(member.body.code).toBe('INSUFFICIENT_SCOPE');
      expect((await platform.anonymous().get('/v1/auth/setup').expect(200)).body).toEqual({ needed: true });
      expect(await platform.prisma.user.count()).toBe(0);
    });

    it('creates the owner, their team, and signs them in', async () => {
      const owner = browser();
      const res = await owner.post('/v1/auth/setup', { ...OWNER, setupToken });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ user: { email: OWNER.email, name: OWNER.name }, team: { name: 'Engines', slug: 'engines' } });
      expect(res.body.user).not.toHaveProperty('passwordHash');
      expect(owner.cookies.has('ds_session')).toBe(true);
      const me = await owner.get('/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ user: { email: OWNER.email }, team: { id: res.body.team.id, slug: 'engines' }, role: 'owner', teams: [{ id: res.body.team.id, role: 'owner' }] });
      expect((await platform.anonymous().get('/v1/auth/setup').expect(200)).body).toEqual({ needed: false });
    });

    it('happens once: the token is spent and the admin token cannot make a second first owner', async () => {
      const again = await browser().post('/v1/auth/setup', { ...OWNER, email: 'eve@example.com', setupToken });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('SETUP_ALREADY_DONE');
      expect((await platform.as(platform.adminToken).post('/v1/auth/setup').send({ ...OWNER, email: 'eve@example.com' }).expect(409)).body.code).toBe('SETUP_ALREADY_DONE');
      expect(await platform.prisma.user.count()).toBe(1);
      expect(await platform.prisma.setupToken.count()).toBe(0);
    });
  });

  describe('sign-in and cookies', () => {
    it('answers wrong password and unknown email alike, 401 INVALID_CREDENTIALS, without cookies', async () => {
      const wrong = await browser().signIn(OWNER.email, 'not the password');
      const unknown = await browser().signIn('nobody@example.com', 'not the password');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(problemOf(wrong.body)).toEqual(problemOf(unknown.body));
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      expect(wrong.headers['set-cookie']).toBeUndefined();
    });

    it('signs in case-insensitively and sets HttpOnly SameSite=Lax session and readable CSRF cookies, not Secure over plain HTTP', async () => {
      const b = browser();
      const res = await b.signIn(OWNER.email.toLowerCase(), OWNER.password);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: { email: OWNER.email, name: OWNER.name }, teams: [{ slug: 'engines', role: 'owner' }] });
      const cookies = Object.fromEntries(parseSetCookies(res.headers).map((c) => [c.name, c]));
      expect(cookies.ds_session.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });
      expect(cookies.ds_session.attributes.secure).toBeUndefined();
      expect(cookies.ds_csrf.attributes).toMatchObject({ samesite: 'Lax', path: '/' });
      expect(cookies.ds_csrf.attributes.httponly).toBeUndefined();
      expect(cookies.ds_session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Only the secret's hash is stored.
      const stored = await platform.prisma.session.findMany();
      expect(stored.some((s) => s.tokenHash === cookies.ds_session.value)).toBe(false);
      expect(JSON.stringify(res.body)).not.toContain(cookies.ds_session.value);
    });

    it('marks the cookies Secure when the request came over TLS (X-Forwarded-Proto: https)', async () => {
      const res = await browser().post('/v1/auth/sign-in', { email: OWNER.email, password: OWNER.password }, { headers: { 'X-Forwarded-Proto': 'https' } });
      expect(res.status).toBe(200);
      for (const c of parseSetCookies(res.headers)) expect(c.attributes.secure).toBe(true);
    });

    it('authenticates /v1 routes with the cookie; a bearer token wins when both are sent', async () => {
      const b = browser();
      await b.signIn(OWNER.email, OWNER.password);
      const mine = (await b.get('/v1/auth/me')).body.team.id;
      expect((await b.get('/v1/projects')).status).toBe(200);
      const created = await b.post('/v1/projects', { name: 'cookie made' });
      expect(created.status).toBe(201);
      expect(created.body.teamId).toBe(mine);
      const both = await b.get('/v1/projects', { Authorization: `Bearer ${other.token}` });
      expect(both.status).toBe(200);
      expect(both.body.items.every((p: { teamId: string }) => p.teamId === other.teamId)).toBe(true);
      // A broken bearer is not rescued by the cookie.
      expect((await b.get('/v1/projects', { Authorization: 'Bearer dsp_nope' })).status).toBe(401);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated change without the token or with a wrong one, and changes nothing', async () => {
      const b = browser();
      await b.signIn(OWNER.email, OWNER.password);
      const before = await platform.prisma.project.count();
      const missing = await b.post('/v1/projects', { name: 'forged' }, { csrf: false });
      expect(missing.status).toBe(403);
      expect(missing.body.code).toBe('CSRF_TOKEN_INVALID');
      const wrong = await b.post('/v1/projects', { name: 'forged' }, { csrf: false, headers: { 'X-CSRF-Token': 'A'.repeat(43) } });
      expect(wrong.status).toBe(403);
      expect(wrong.body.code).toBe('CSRF_TOKEN_INVALID');
      // Another session's CSRF token does not fit this session.
      const someoneElse = browser();
      await someoneElse.signIn(OWNER.email, OWNER.password);
      const crossed = await b.post('/v1/projects', { name: 'forged' }, { csrf: false, headers: { 'X-CSRF-Token': someoneElse.cookies.get('ds_csrf')! } });
      expect(crossed.status).toBe(403);
      expect(await platform.prisma.project.count()).toBe(before);
      expect((await b.post('/v1/projects', { name: 'with csrf' })).status).toBe(201);
    });

    it('needs no CSRF token for reads, nor for bearer-token requests', async () => {
      const b = browser();
      await b.signIn(OWNER.email, OWNER.password);
      expect((await b.get('/v1/auth/me')).status).toBe(200);
      await platform.as(other.token).post('/v1/projects').send({ name: 'bearer made' }).expect(201);
    });
  });

  describe('sessions', () => {
    it('signs out: needs the CSRF token, revokes the session and clears both cookies', async () => {
      const b = browser();
      await b.signIn(OWNER.email, OWNER.password);
      const session = b.cookies.get('ds_session')!;
      expect((await b.post('/v1/auth/sign-out', undefined, { csrf: false })).body.code).toBe('CSRF_TOKEN_INVALID');
      const out = await b.post('/v1/auth/sign-out');
      expect(out.status).toBe(204);
      const cleared = parseSetCookies(out.headers);
      expect(cleared.map((c) => c.name).sort()).toEqual(['ds_csrf', 'ds_session']);
      expect(cleared.every((c) => c.value === '')).toBe(true);
      expect(b.cookies.size).toBe(0);
      const replay = await platform.anonymous().get('/v1/auth/me').set('Cookie', `ds_session=${session}`);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('UNAUTHORIZED');
    });

    it('lists the user\'s sessions, marks the current one, and revokes another', async () => {
      const laptop = browser();
      const phone = browser();
      await laptop.signIn(OWNER.email, OWNER.password);
      await phone.post('/v1/auth/sign-in', { email: OWNER.email, password: OWNER.password }, { headers: { 'User-Agent': 'PhoneBrowser/1.0' } });
      const list = await laptop.get('/v1/auth/sessions');
      expect(list.status).toBe(200);
      const current = list.body.data.filter((s: { current: boolean }) => s.current);
      expect(current).toHaveLength(1);
      const phoneSession = list.body.data.find((s: { userAgent: string | null }) => s.userAgent === 'PhoneBrowser/1.0');
      expect(phoneSession).toMatchObject({ current: false, address: expect.any(String), createdAt: expect.any(String), lastSeenAt: expect.any(String) });
      expect(JSON.stringify(list.body)).not.toContain(phone.cookies.get('ds_session')!);
      expect((await laptop.delete(`/v1/auth/sessions/${phoneSession.id}`)).status).toBe(204);
      expect((await phone.get('/v1/auth/me')).status).toBe(401);
      expect((await laptop.get('/v1/auth/me')).status).toBe(200);
      expect((await laptop.get('/v1/auth/sessions')).body.data.map((s: { id: string }) => s.id)).not.toContain(phoneSession.id);
    });

    it('does not let a token act as a user, nor reach an unknown session', async () => {
      expect((await platform.as(other.token).get('/v1/auth/me').expect(403)).body.code).toBe('SESSION_REQUIRED');
      const b = browser();
      await b.signIn(OWNER.email, OWNER.password);
      expect((await b.delete('/v1/auth/sessions/ses_00000000000000000000000000')).status).toBe(404);
    });
  });

  describe('brute force', () => {
    it('locks an email after repeated failures with the same answer whether or not it has an account', async () => {
      const real: Array<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> = [];
      const ghost: typeof real = [];
      for (let i = 0; i < MAX_FAILURES + 1; i++) real.push(await browser().signIn(OWNER.email, `wrong ${i}`));
      for (let i = 0; i < MAX_FAILURES + 1; i++) ghost.push(await browser().signIn('ghost@example.com', `wrong ${i}`));
      expect(real.map((r) => r.status)).toEqual(ghost.map((r) => r.status));
      expect(real.map((r) => r.status)).toEqual([...Array(MAX_FAILURES - 1).fill(401), 423, 423]);
      for (const [a, b] of real.map((r, i) => [r, ghost[i]])) expect(problemOf(a.body)).toEqual(problemOf(b.body));
      expect(real.at(-1)!.body.code).toBe('ACCOUNT_LOCKED');
      expect(Number(real.at(-1)!.headers['retry-after'])).toBeGreaterThan(0);
      // Locked means locked: the right password does not get in either.
      const right = await browser().signIn(OWNER.email, OWNER.password);
      expect(right.status).toBe(423);
      expect(right.headers['set-cookie']).toBeUndefined();
    });

    it('refuses an address after repeated failures, 429 SIGN_IN_RATE_LIMITED with Retry-After', async () => {
      let refused: { status: number; body: Record<string, unknown>; headers: Record<string, unknown> } | undefined;
      for (let i = 0; i < ADDRESS_MAX_FAILURES && !refused; i++) {
        const res = await browser().signIn(`visitor-${i}@example.com`, 'guess');
        if (res.status === 429) refused = res;
        else expect(res.status).toBe(401);
      }
      expect(refused?.body.code).toBe('SIGN_IN_RATE_LIMITED');
      expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
      expect((await browser().signIn('visitor-new@example.com', 'guess')).status).toBe(429);
    });
  });
});

describe('first owner with the admin token', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform(testDatabaseKinds()[0], { BUILD_CONCURRENCY: '0' });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('creates the first owner with the admin token as bearer, whose cookies then work', async () => {
    const res = await platform.as(platform.adminToken).post('/v1/auth/setup').send(OWNER).expect(201);
    const session = parseSetCookies(res.headers).find((c) => c.name === 'ds_session')!.value;
    const me = await platform.anonymous().get('/v1/auth/me').set('Cookie', `ds_session=${session}`).expect(200);
    expect(me.body).toMatchObject({ role: 'owner', team: { id: res.body.team.id } });
  });
});
