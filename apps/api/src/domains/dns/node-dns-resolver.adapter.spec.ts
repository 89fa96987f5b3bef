import { createSocket, type Socket } from 'node:dgram';
import { DnsLookupError } from './dns-resolver.port';
import { dnsResolverFor } from '../domains.module';
import { NodeDnsResolver } from './node-dns-resolver.adapter';

/**
 * A name server on 127.0.0.1 that answers TXT questions from a table, so the adapter is tested
 * over the real wire format without any real DNS: the resolver is pointed at this server only.
 */
class LoopbackNameServer {
  readonly questions: string[] = [];
  /** name → TXT records (each a list of character-strings); `'SERVFAIL'`, or `'SILENT'` to never answer. */
  readonly zone = new Map<string, string[][] | 'SERVFAIL' | 'SILENT'>();
  private socket!: Socket;
  port = 0;

  async start(): Promise<void> {
    this.socket = createSocket('udp4');
    this.socket.on('message', (query, peer) => {
      const reply = this.answer(query);
      if (reply) this.socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    this.port = this.socket.address().port;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }

  private answer(query: Buffer): Buffer | undefined {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString('latin1'));
      offset += 1 + query[offset];
    }
    const question = query.subarray(12, offset + 5); // name, its terminator, type and class
    const name = labels.join('.').toLowerCase();
    this.questions.push(name);
    const entry = this.zone.get(name);
    if (entry === 'SILENT') return undefined;
    const rcode = entry === 'SERVFAIL' ? 2 : entry === undefined ? 3 : 0;
    const records = Array.isArray(entry) ? entry : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | rcode, 2); // response, recursion desired and available
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records.length, 6);
    const answers = records.map((strings) => {
      const rdata = Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])));
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      fixed.writeUInt16BE(16, 2); // TXT
      fixed.writeUInt16BE(1, 4); // IN
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([fixed, rdata]);
    });
    return Buffer.concat([header, question, ...answers]);
  }
}

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
