import { testDatabaseKinds } from '@deploysphere/testing';
import { DNS_RESOLVER } from '../../../apps/api/src/domains/dns/dns-resolver.port';
import { FakeDnsResolver } from '../../../apps/api/test-support/fake-dns-resolver';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const ROOT_DOMAIN = 'apps.deploysphere.test';

interface Domain {
  id: string;
  projectId: string;
  hostname: string;
  unicodeHostname: string;
  verified: boolean;
  verifiedAt: string | null;
  verification: { type: 'TXT'; name: string; value: string };
  createdAt: string;
}

/**
 * Custom domains through the API: attach (normalized, unique across teams), prove control with a
 * TXT record looked up through the DNS port (a double here: no real DNS), list, remove. The
 * edge's side is in test/e2e/edge-router/custom-domains.e2e.spec.ts.
 */
describe.each(testDatabaseKinds())('custom domains on %s', (kind) => {
  let platform: TestPlatform;
  let team: { teamId: string; token: string };
  let other: { teamId: string; token: string };
  const dns = new FakeDnsResolver();

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { ROOT_DOMAIN }, { overrides: [{ provide: DNS_RESOLVER, useValue: dns }] });
    team = await createTeamWithToken(platform, 'Domains');
    other = await createTeamWithToken(platform, 'Outsider');
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const api = (token = team.token) => platform.as(token);

  async function project(name: string, token = team.token): Promise<{ id: string; slug: string }> {
    return (await api(token).post('/v1/projects').send({ name }).expect(201)).body;
  }

  async function addDomain(projectId: string, hostname: string): Promise<Domain> {
    return (await api().post(`/v1/projects/${projectId}/domains`).send({ hostname }).expect(201)).body;
  }

  const events = (type: string, projectId: string) =>
    platform.prisma.outboxMessage.findMany({ where: { type, key: projectId }, orderBy: { createdAt: 'asc' } });

  describe('adding', () => {
    it('stores the normalized name and answers with the TXT record to create', async () => {
      const p = await project('Acme Shop');
      const d = await addDomain(p.id, 'Shop.Acme-Corp.COM.');
      expect(d).toMatchObject({ projectId: p.id, hostname: 'shop.acme-corp.com', unicodeHostname: 'shop.acme-corp.com', verified: false, verifiedAt: null });
      expect(d.id).toMatch(/^dom_[0-9a-z]{26}$/);
      expect(d.verification).toEqual({ type: 'TXT', name: '_deploysphere.shop.acme-corp.com', value: expect.stringMatching(/^deploysphere-verify=[0-9a-f]{32}$/) });

      const list = (await api().get(`/v1/projects/${p.id}/domains`).expect(200)).body;
      expect(list).toEqual({ items: [d], nextCursor: null });
      // Adding is not serving: nothing is announced to the edge until verification.
      expect(await platform.prisma.outboxMessage.count({ where: { key: p.id, type: { startsWith: 'Domain' } } })).toBe(0);
    });

    it('stores an internationalized name in punycode and shows it in Unicode too', async () => {
      const p = await project('Books');
      const d = await addDomain(p.id, 'Bücher.Example');
      expect(d).toMatchObject({ hostname: 'xn--bcher-kva.example', unicodeHostname: 'bücher.example', verification: { name: '_deploysphere.xn--bcher-kva.example' } });
    });

    it('gives every domain its own token, and lists them newest first, page by page', async () => {
      const p = await project('Many Names');
      const added = [];
      for (const host of ['a.many.example', 'b.many.example', 'c.many.example']) added.push(await addDomain(p.id, host));
      expect(new Set(added.map((d) => d.verification.value)).size).toBe(3);
      const first = (await api().get(`/v1/projects/${p.id}/domains?limit=2`).expect(200)).body;
      expect(first.items.map((d: Domain) => d.hostname)).toEqual(['c.many.example', 'b.many.example']);
      const second = (await api().get(`/v1/projects/${p.id}/domains?limit=2&cursor=${first.nextCursor}`).expect(200)).body;
      expect(second).toEqual({ items: [added[0]], nextCursor: null });
    });

    const refused: Array<[string, unknown, string]> = [
      ['an IPv4 address', '203.0.113.7', 'ipAddress'],
      ['a shortened IPv4 address', '127.1', 'ipAddress'],
      ['a hex IPv4 address', '0x7f.0.0.1', 'ipAddress'],
      ['an IPv6 literal', '[2001:db8::1]', 'ipAddress'],
      ['a bare IPv6 address', '::1', 'ipAddress'],
      ['the root domain', ROOT_DOMAIN, 'reservedHostname'],
      ['the root domain, shouted, with a dot', `${ROOT_DOMAIN.toUpperCase()}.`, 'reservedHostname'],
      ['a tenant host', `my-app.${ROOT_DOMAIN}`, 'reservedHostname'],
      ['a deep subdomain of the root', `a.b.${ROOT_DOMAIN}`, 'reservedHostname'],
      ['a localhost name', 'shop.localhost', 'reservedHostname'],
      ['a single label', 'intranet', 'invalidHostname'],
      ['an empty label', 'shop..example.com', 'invalidHostname'],
      ['a leading hyphen', '-shop.example.com', 'invalidHostname'],
      ['a wildcard', '*.example.com', 'invalidHostname'],
      ['an underscore', 'my_shop.example.com', 'invalidHostname'],
      ['a URL', 'https://example.com/', 'invalidHostname'],
      ['a port', 'example.com:8080', 'invalidHostname'],
      ['userinfo', 'admin@example.com', 'invalidHostname'],
      ['percent-encoding', 'ex%61mple.com', 'invalidHostname'],
      ['a space', 'exa mple.com', 'invalidHostname'],
      ['a control character', 'example.com\r\nX-Injected: 1', 'invalidHostname'],
      ['a zero-width space', 'exa\u200bmple.com', 'invalidHostname'],
      ['undecodable punycode', 'xn--abc.example.com', 'invalidHostname'],
      ['a 64-character label', `${'a'.repeat(64)}.example.com`, 'invalidHostname'],
      ['a name too long for its TXT record', `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`, 'invalidHostname'],
      ['a numeric top-level domain', 'example.1a', 'invalidHostname'],
      ['an empty string', '', 'isNotEmpty'],
      ['a number', 42, 'isString'],
      ['a very long string', `${'a'.repeat(300)}.com`, 'maxLength'],
    ];

    it.each(refused)('refuses %s with 422 and a field error', async (_what, hostname, code) => {
      const p = await project(`Refused ${code}`);
      const res = await api().post(`/v1/projects/${p.id}/domains`).send({ hostname }).expect(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'hostname', code })]));
      expect(await platform.prisma.domain.count({ where: { projectId: p.id } })).toBe(0);
    });

    it('refuses a body without a hostname or with unknown fields', async () => {
      const p = await project('Bad Bodies');
      expect((await api().post(`/v1/projects/${p.id}/domains`).send({}).expect(422)).body.errors[0].field).toBe('hostname');
      const extra = await api().post(`/v1/projects/${p.id}/domains`).send({ hostname: 'ok.example.com', verified: true }).expect(422);
      expect(extra.body.errors).toEqual([expect.objectContaining({ field: 'verified', code: 'unknownField' })]);
    });

    it('refuses a name any project already has, in any team and any spelling (409 DOMAIN_TAKEN)', async () => {
      const mine = await project('First Owner');
      await addDomain(mine.id, 'taken.example.com');
      const again = await api().post(`/v1/projects/${mine.id}/domains`).send({ hostname: 'taken.example.com' }).expect(409);
      expect(again.body).toMatchObject({ code: 'DOMAIN_TAKEN', hostname: 'taken.example.com' });
      const theirs = await project('Second Owner', other.token);
      const res = await api(other.token).post(`/v1/projects/${theirs.id}/domains`).send({ hostname: 'TAKEN.Example.com.' }).expect(409);
      expect(res.body.code).toBe('DOMAIN_TAKEN');
      expect(await platform.prisma.domain.count({ where: { hostname: 'taken.example.com' } })).toBe(1);
    });
  });

  describe('verifying', () => {
    it('fails with what was found until the TXT record holds the token, then verifies once with a DomainVerified event', async () => {
      const p = await project('Verify Me');
      const d = await addDomain(p.id, 'www.verify-me.example');
      const verify = () => api().post(`/v1/projects/${p.id}/domains/${d.id}/verify`);

      const none = await verify().expect(409);
      expect(none.body).toMatchObject({ code: 'DOMAIN_VERIFICATION_FAILED', expected: d.verification, found: [] });
      expect(dns.lookups).toContain('_deploysphere.www.verify-me.example');

      dns.setTxt(d.verification.name, 'deploysphere-verify=0000000000000000000000000000000', 'v=spf1 -all');
      const wrong = await verify().expect(409);
      expect(wrong.body).toMatchObject({ code: 'DOMAIN_VERIFICATION_FAILED', found: ['deploysphere-verify=0000000000000000000000000000000', 'v=spf1 -all'] });

      // Another domain's token is not this one's.
      const neighbour = await addDomain(p.id, 'neighbour.verify-me.example');
      dns.setTxt(d.verification.name, neighbour.verification.value);
      await verify().expect(409);

      dns.failure = 'TIMEOUT';
      const timeout = await verify().expect(409);
      expect(timeout.body).toMatchObject({ code: 'DOMAIN_VERIFICATION_FAILED', lookupError: 'TIMEOUT', found: [] });
      dns.failure = undefined;
      expect((await api().get(`/v1/projects/${p.id}/domains`).expect(200)).body.items.every((x: Domain) => !x.verified)).toBe(true);
      expect(await events('DomainVerified.v1', p.id)).toHaveLength(0);

      // A long value split into character-strings, among other records, with the quotes a panel kept.
      const token = d.verification.value.slice('deploysphere-verify='.length);
      dns.setTxt(d.verification.name, 'google-site-verification=abc', ['"deploysphere-verify=', `${token}"`]);
      const ok = await verify().expect(200);
      expect(ok.body).toMatchObject({ id: d.id, hostname: 'www.verify-me.example', verified: true });
      expect(Date.parse(ok.body.verifiedAt)).toBeGreaterThan(Date.parse(d.createdAt) - 1);

      const [event] = await events('DomainVerified.v1', p.id);
      expect(event).toMatchObject({ topic: 'projects.domain-verified.v1', key: p.id });
      expect(event.payload).toMatchObject({
        type: 'DomainVerified.v1',
        payload: { projectId: p.id, slug: p.slug, domainId: d.id, hostname: 'www.verify-me.example', verifiedAt: ok.body.verifiedAt },
      });

      // Verified stays verified: no second lookup, no second event, even if the record goes.
      dns.clear(d.verification.name);
      const lookups = dns.lookups.length;
      expect((await verify().expect(200)).body.verifiedAt).toBe(ok.body.verifiedAt);
      expect(dns.lookups).toHaveLength(lookups);
      expect(await events('DomainVerified.v1', p.id)).toHaveLength(1);
    });

    it('emits one event when the same domain is verified concurrently', async () => {
      const p = await project('Race');
      const d = await addDomain(p.id, 'race.example.net');
      dns.setTxt(d.verification.name, d.verification.value);
      const results = await Promise.all([1, 2, 3].map(() => api().post(`/v1/projects/${p.id}/domains/${d.id}/verify`)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(new Set(results.map((r) => r.body.verifiedAt)).size).toBe(1);
      expect(await events('DomainVerified.v1', p.id)).toHaveLength(1);
    });
  });

  describe('removing', () => {
    it('removes an unverified domain silently and a verified one with a DomainRemoved event; the name is free again', async () => {
      const p = await project('Remove Me');
      const pending = await addDomain(p.id, 'pending.remove-me.example');
      const live = await addDomain(p.id, 'live.remove-me.example');
      dns.setTxt(live.verification.name, live.verification.value);
      await api().post(`/v1/projects/${p.id}/domains/${live.id}/verify`).expect(200);

      await api().delete(`/v1/projects/${p.id}/domains/${pending.id}`).expect(204);
      expect(await events('DomainRemoved.v1', p.id)).toHaveLength(0);

      await api().delete(`/v1/projects/${p.id}/domains/${live.id}`).expect(204);
      const [event] = await events('DomainRemoved.v1', p.id);
      expect(event).toMatchObject({ topic: 'projects.domain-removed.v1', key: p.id });
      expect(event.payload).toMatchObject({ payload: { projectId: p.id, domainId: live.id, hostname: 'live.remove-me.example', removedAt: expect.any(String) } });

      expect((await api().get(`/v1/projects/${p.id}/domains`).expect(200)).body.items).toEqual([]);
      expect((await api().delete(`/v1/projects/${p.id}/domains/${live.id}`).expect(404)).body.code).toBe('DOMAIN_NOT_FOUND');
      await api().post(`/v1/projects/${p.id}/domains/${live.id}/verify`).expect(404);

      const readded = await addDomain(p.id, 'live.remove-me.example');
      expect(readded).toMatchObject({ verified: false });
      expect(readded.id).not.toBe(live.id);
      expect(readded.verification.value).not.toBe(live.verification.value);
    });

    it("frees a deleted project's names", async () => {
      const p = await project('Short Lived');
      await addDomain(p.id, 'short-lived.example');
      await api().delete(`/v1/projects/${p.id}`).expect(204);
      expect(await platform.prisma.domain.count({ where: { hostname: 'short-lived.example' } })).toBe(0);
      const next = await project('Next Owner');
      await addDomain(next.id, 'short-lived.example');
    });
  });

  describe('team isolation', () => {
    it("answers 404 for another team's project and domains, and changes nothing", async () => {
      const p = await project('Private');
      const d = await addDomain(p.id, 'private.example.org');
      dns.setTxt(d.verification.name, d.verification.value);
      const outsider = api(other.token);

      expect((await outsider.get(`/v1/projects/${p.id}/domains`).expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      expect((await outsider.post(`/v1/projects/${p.id}/domains`).send({ hostname: 'sneaky.example.org' }).expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      expect((await outsider.post(`/v1/projects/${p.id}/domains/${d.id}/verify`).expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      expect((await outsider.delete(`/v1/projects/${p.id}/domains/${d.id}`).expect(404)).body.code).toBe('PROJECT_NOT_FOUND');

      // Through one of their own projects: the domain is not theirs either.
      const theirs = await project('Their Own', other.token);
      expect((await outsider.post(`/v1/projects/${theirs.id}/domains/${d.id}/verify`).expect(404)).body.code).toBe('DOMAIN_NOT_FOUND');
      expect((await outsider.delete(`/v1/projects/${theirs.id}/domains/${d.id}`).expect(404)).body.code).toBe('DOMAIN_NOT_FOUND');
      // Nor through another project of the owner's team.
      const sibling = await project('Sibling');
      await api().delete(`/v1/projects/${sibling.id}/domains/${d.id}`).expect(404);

      const still = await platform.prisma.domain.findUniqueOrThrow({ where: { id: d.id } });
      expect(still).toMatchObject({ projectId: p.id, verifiedAt: null });
      expect(await platform.prisma.domain.count({ where: { hostname: 'sneaky.example.org' } })).toBe(0);
    });

    it('answers 404 for ids that are not even shaped like ids, and 401 without a token', async () => {
      const p = await project('Shapes');
      expect((await api().post(`/v1/projects/${p.id}/domains/not-an-id/verify`).expect(404)).body.code).toBe('DOMAIN_NOT_FOUND');
      expect((await api().get('/v1/projects/nope/domains').expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      await platform.anonymous().get(`/v1/projects/${p.id}/domains`).expect(401);
      await platform.anonymous().post(`/v1/projects/${p.id}/domains`).send({ hostname: 'x.example.com' }).expect(401);
    });
  });

  it('documents every route with its problems in the OpenAPI document', async () => {
    const doc = (await platform.anonymous().get('/openapi.json').expect(200)).body;
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    const expected: Array<[string, string, string, string[]]> = [
      ['/v1/projects/{projectId}/domains', 'post', 'addDomain', ['201', '400', '401', '403', '404', '409', '413', '422']],
      ['/v1/projects/{projectId}/domains', 'get', 'listDomains', ['200', '400', '401', '403', '404', '422']],
      ['/v1/projects/{projectId}/domains/{domainId}/verify', 'post', 'verifyDomain', ['200', '400', '401', '403', '404', '409', '422']],
      ['/v1/projects/{projectId}/domains/{domainId}', 'delete', 'removeDomain', ['204', '400', '401', '403', '404', '422']],
    ];
    for (const [path, method, operationId, statuses] of expected) {
      expect(op(path, method)).toMatchObject({ operationId, security: [{ bearer: [] }], tags: ['domains'] });
      expect(Object.keys(op(path, method).responses).sort()).toEqual(statuses);
    }
    expect(doc.components.schemas.DomainDto.required).toEqual(expect.arrayContaining(['hostname', 'verified', 'verification']));
    const failed = op('/v1/projects/{projectId}/domains/{domainId}/verify', 'post').responses['409'];
    expect(Object.values(failed.content as Record<string, { schema: { $ref: string } }>)[0].schema.$ref).toBe('#/components/schemas/VerificationFailedProblemDto');
    expect(Object.keys(doc.components.schemas.VerificationFailedProblemDto.properties)).toEqual(expect.arrayContaining(['code', 'expected', 'found', 'lookupError']));
  });
});
