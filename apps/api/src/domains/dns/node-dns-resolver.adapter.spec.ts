import { DnsLookupError } from './dns-resolver.port';
import { dnsResolverFor } from '../domains.module';
import { NodeDnsResolver } from './node-dns-resolver.adapter';
import { LoopbackNameServer } from '../../../test-support/loopback-name-server';

describe('NodeDnsResolver (against a name server on 127.0.0.1)', () => {
  const server = new LoopbackNameServer();
  let resolver: NodeDnsResolver;

  beforeAll(async () => {
    await server.start();
    resolver = new NodeDnsResolver({ timeoutMs: 400, servers: [`127.0.0.1:${server.port}`] });
  });
  afterAll(() => server.stop());

  it('returns every TXT record with its character-strings', async () => {
    server.zone.set('_deploysphere.shop.invalid', [['deploysphere-verify=abc'], ['v=spf1 ', '-all']]);
    expect(await resolver.resolveTxt('_deploysphere.shop.invalid')).toEqual([['deploysphere-verify=abc'], ['v=spf1 ', '-all']]);
    expect(server.questions).toContain('_deploysphere.shop.invalid');
  });

  it('answers [] for a name that does not exist or has no TXT record', async () => {
    server.zone.set('_deploysphere.empty.invalid', []);
    expect(await resolver.resolveTxt('_deploysphere.missing.invalid')).toEqual([]);
    expect(await resolver.resolveTxt('_deploysphere.empty.invalid')).toEqual([]);
  });

  it('fails with SERVER_FAILURE when the server says so', async () => {
    server.zone.set('_deploysphere.broken.invalid', 'SERVFAIL');
    await expect(resolver.resolveTxt('_deploysphere.broken.invalid')).rejects.toMatchObject({ reason: 'SERVER_FAILURE' });
  });

  it('gives up at its deadline when nobody answers', async () => {
    server.zone.set('_deploysphere.silent.invalid', 'SILENT');
    const started = Date.now();
    const error = await resolver.resolveTxt('_deploysphere.silent.invalid').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsLookupError);
    expect(error).toMatchObject({ reason: 'TIMEOUT' });
    // Its 400 ms, with room for a loaded machine; without a deadline c-ares retries for many seconds.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('uses the name servers DNS_RESOLVERS names (the success path of verification, end to end)', async () => {
    const http = { dnsResolvers: [`127.0.0.1:${server.port}`] };
    server.zone.set('_deploysphere.www.configured.invalid', [['deploysphere-verify=xyz']]);
    expect(await dnsResolverFor(http).resolveTxt('_deploysphere.www.configured.invalid')).toEqual([['deploysphere-verify=xyz']]);
    expect(server.questions).toContain('_deploysphere.www.configured.invalid');
  });
});
