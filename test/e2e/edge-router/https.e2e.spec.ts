import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CoreModule } from '@deploysphere/bootstrap';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '@deploysphere/certificates';
import { newId } from '@deploysphere/common';
import { MESSAGE_TRANSPORT } from '@deploysphere/messaging';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import type { INestApplicationContext } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect as h2connect, type ClientHttp2Session } from 'node:http2';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { DNS_RESOLVER } from '../../../apps/api/src/domains/dns/dns-resolver.port';
import { FakeDnsResolver } from '../../../apps/api/test-support/fake-dns-resolver';
import { EdgeRouterModule } from '../../../apps/edge-router/src/edge-router.module';
import { RouteTableSync } from '../../../apps/edge-router/src/routing/route-table.sync';
import { EdgeServer } from '../../../apps/edge-router/src/server/edge-server';
import { CertificateSync } from '../../../apps/edge-router/src/tls/certificate.sync';
import { CertificateIssuer } from '../../../apps/orchestrator/src/certificates/certificate-issuer';
import { RootCertificateReloader } from '../../../apps/edge-router/src/tls/root-certificate.reloader';
import { within } from '../../../apps/edge-router/test-support/edge-client';
import { pebblePorts, startPebble, type Pebble } from '../../support/pebble';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// HTTPS at the edge end to end, against Let's Encrypt's test server: the api verifies a custom
// domain, the orchestrator obtains its certificate from Pebble (HTTP-01 answered by the edge on
// its HTTP port, which is Pebble's httpPort), the edge serves it by SNI over HTTP/1.1 and HTTP/2.
// A second edge (its own Nest app on the same database and message bus) gets every certificate
// and challenge too. PostgreSQL only: two apps share the database.

const FIXTURE = resolve(__dirname, '../../fixtures/sites/static-site');
const ROOT_DOMAIN = 'apps.test';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  cert?: PeerCertificate;
  localPort?: number;
}

/** Self-signed `*.<root>` pair made with openssl (the operator's wildcard). */
function wildcardPair(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=*.${ROOT_DOMAIN}`, '-addext', `subjectAltName=DNS:*.${ROOT_DOMAIN},DNS:${ROOT_DOMAIN}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

interface Handshake {
  cert: PeerCertificate;
  alpn: string | false;
  authorized: boolean;
}
type Refused = { refused: string };
const refused = (r: Handshake | Refused): r is Refused => 'refused' in r;

/** The certificate a TLS handshake for `servername` presents, or why the handshake failed. */
function handshake(port: number, servername: string | undefined, ca?: string): Promise<Handshake | Refused> {
  return new Promise((resolvePromise) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, ca, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      const result = { cert: socket.getPeerCertificate(), alpn: socket.alpnProtocol ?? false, authorized: socket.authorized };
      socket.end();
      resolvePromise(result);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolvePromise({ refused: err.code ?? err.message }));
  });
}

function httpsGet(port: number, host: string, path: string, ca: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca, agent: agent ?? false }, (res) => {
      // Read now: a keep-alive agent takes the socket back once the response ends.
      const socket = res.socket as import('node:tls').TLSSocket;
      const cert = socket.getPeerCertificate();
      const localPort = socket.localPort;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolvePromise({ status: res.statusCode!, headers: res.headers, body, cert, localPort }));
    });
    req.on('error', reject);
    req.end();
  });
}

function httpGet(port: number, host: string, path = '/'): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolvePromise({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function h2Get(session: ClientHttp2Session, path: string): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const stream = session.request({ ':path': path, ':authority': (session as ClientHttp2Session & { host: string }).host });
    let headers: Record<string, string | string[] | undefined> = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h as typeof headers));
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => resolvePromise({ status: Number(headers[':status']), headers, body }));
    stream.on('error', reject);
    stream.end();
  });
}

function h2Session(port: number, host: string, ca: string): Promise<ClientHttp2Session> {
  return new Promise((resolvePromise, reject) => {
    const session = h2connect(`https://127.0.0.1:${port}`, { ca, servername: host });
    session.once('connect', () => resolvePromise(Object.assign(session, { host })));
    session.once('error', reject);
  });
}

describe('HTTPS at the edge: ACME certificates for custom domains (Pebble), SNI, HTTP/2', () => {
  let platform: TestPlatform;
  let pebble: Pebble;
  let root: string;
  let httpPort: number;
  let tlsPort: number;
  let dir: string;
  let token: string;
  let shop: { id: string; slug: string };
  let wildcard: { cert: string; key: string };
  let certificates: CertificateRepository;
  const dns = new FakeDnsResolver();
  const api = () => platform.as(token);

  async function readyDeployment(projectId: string, label: string): Promise<string> {
    const id = newId('dpl');
    const out = join(dir, id);
    cpSync(FIXTURE, out, { recursive: true });
    writeFileSync(join(out, 'index.html'), `<!doctype html><h1>${label}</h1>`);
    const stored = await platform.app.get<ArtifactStore>(ARTIFACT_STORE).putDeployment(id, out);
    await platform.prisma.deployment.create({
      data: { id, projectId, status: 'READY', target: 'PRODUCTION', source: 'UPLOAD', readyAt: new Date(), artifactManifestKey: stored.manifestKey },
    });
    return id;
  }

  async function addVerifiedDomain(projectId: string, hostname: string): Promise<{ id: string }> {
    const domain = (await api().post(`/v1/projects/${projectId}/domains`).send({ hostname }).expect(201)).body;
    dns.setTxt(domain.verification.name, domain.verification.value);
    await api().post(`/v1/projects/${projectId}/domains/${domain.id}/verify`).expect(200);
    return domain;
  }

  async function certificateOf(projectId: string, domainId: string): Promise<{ state: string; expiresAt: string | null; failureReason: string | null }> {
    const domains = (await api().get(`/v1/projects/${projectId}/domains`).expect(200)).body.items as Array<{ id: string; certificate: { state: string; expiresAt: string | null; failureReason: string | null } }>;
    return domains.find((d) => d.id === domainId)!.certificate;
  }

  async function issued(projectId: string, domainId: string): Promise<void> {
    await within(120_000, async () => (await certificateOf(projectId, domainId)).state === 'ISSUED');
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    dir = mkdtempSync(join(tmpdir(), 'edge-https-e2e-'));
    wildcard = wildcardPair(dir, 'root');
    writeFileSync(join(dir, 'tls.crt'), wildcard.cert);
    writeFileSync(join(dir, 'tls.key'), wildcard.key);
    const ports = await pebblePorts();
    platform = await startTestPlatform(
      'postgres',
      {
        ROOT_DOMAIN,
        BIND_HOST: '127.0.0.1',
        EDGE_PORT: '0',
        EDGE_TLS_PORT: '0',
        EDGE_TLS_CERT_FILE: join(dir, 'tls.crt'),
        EDGE_TLS_KEY_FILE: join(dir, 'tls.key'),
        EDGE_INSTANCE_ID: `https-e2e-a-${process.pid}`,
        ACME_ENABLED: 'true',
        ACME_DIRECTORY_URL: `https://127.0.0.1:${ports.acme}/dir`,
        ACME_CA_FILE: resolve(execFileSync('bash', [resolve(__dirname, '../../../scripts/pebble.sh'), 'install'], { encoding: 'utf8' }).trim(), 'certs/pebble.minica.pem'),
        ACME_RETRY_BASE_SECONDS: '1',
        ACME_RETRY_MAX_SECONDS: '2',
        ACME_POLL_MS: '200',
      },
      { overrides: [{ provide: DNS_RESOLVER, useValue: dns }], imports: [EdgeRouterModule] },
    );
    const edge = platform.app.get(EdgeServer);
    httpPort = edge.address()!.port;
    tlsPort = edge.secureAddress()!.port;
    pebble = await startPebble(ports, httpPort);
    root = await pebble.issuingRoot();
    certificates = platform.app.get<CertificateRepository>(CERTIFICATE_REPOSITORY);
    await platform.app.get(RouteTableSync).ready;
    await platform.app.get(CertificateSync).ready;
    token = (await createTeamWithToken(platform, 'Edge HTTPS')).token;
    shop = (await api().post('/v1/projects').send({ name: 'Shop', slug: 'shop' }).expect(201)).body;
    const deployment = await readyDeployment(shop.id, 'shop over https');
    await api().post(`/v1/deployments/${deployment}/promote`).expect(200);
    await within(10_000, async () => (await httpGet(httpPort, `shop.${ROOT_DOMAIN}`)).status === 308);
  }, 240_000);

  afterAll(async () => {
    await platform?.close();
    await pebble?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let domainId: string;

  it('obtains a certificate for a verified custom domain and serves it by SNI over HTTP/1.1 and HTTP/2, trusted through Pebble\'s root', async () => {
    const hostname = 'www.shop-owner.test';
    const before = (await api().post(`/v1/projects/${shop.id}/domains`).send({ hostname }).expect(201)).body;
    expect(before.certificate).toEqual({ state: 'NONE', expiresAt: null, failureReason: null, nextAttemptAt: null });
    dns.setTxt(before.verification.name, before.verification.value);
    await api().post(`/v1/projects/${shop.id}/domains/${before.id}/verify`).expect(200);
    domainId = before.id;
    await issued(shop.id, domainId);
    const cert = await certificateOf(shop.id, domainId);
    expect(Date.parse(cert.expiresAt!)).toBeGreaterThan(Date.now() + 30 * 86_400_000);
    expect(cert.failureReason).toBeNull();

    // The edge installs it from the CertificateIssued event.
    await within(10_000, async () => {
      const hs = await handshake(tlsPort, hostname, root);
      return !refused(hs) && hs.authorized;
    });
    const hs = await handshake(tlsPort, hostname, root);
    if (refused(hs)) throw new Error(hs.refused);
    expect(hs).toMatchObject({ authorized: true, alpn: 'h2' });
    expect(hs.cert.subjectaltname).toBe(`DNS:${hostname}`);

    const h1 = await httpsGet(tlsPort, hostname, '/', root);
    expect(h1.status).toBe(200);
    expect(h1.body).toContain('shop over https');
    // HSTS is off unless the project turns it on.
    expect(h1.headers['strict-transport-security']).toBeUndefined();

    const session = await h2Session(tlsPort, hostname, root);
    try {
      const h2 = await h2Get(session, '/');
      expect(h2.status).toBe(200);
      expect(h2.body).toContain('shop over https');
      expect(h2.headers['x-deploysphere-deployment']).toBe(h1.headers['x-deploysphere-deployment']);
      expect((await h2Get(session, '/assets/app.3f9a1c.css')).status).toBe(200);
      expect((await h2Get(session, '/nope')).status).toBe(404);
    } finally {
      session.close();
    }
  }, 180_000);

  it('redirects plain HTTP to HTTPS (308) for a name with a certificate, but still answers the ACME challenge path', async () => {
    const hostname = 'www.shop-owner.test';
    const redirect = await httpGet(httpPort, hostname, '/docs/?q=1');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe(`https://${hostname}:${tlsPort}/docs/?q=1`);

    const challenge = { hostname, token: 'tok_'.padEnd(43, 'x'), keyAuthorization: `${'tok_'.padEnd(43, 'x')}.${'k'.repeat(43)}` };
    await certificates.publishChallenge({ ...challenge, expiresAt: new Date(Date.now() + 60_000) });
    const answered = await httpGet(httpPort, hostname, `/.well-known/acme-challenge/${challenge.token}`);
    expect(answered.status).toBe(200);
    expect(answered.body).toBe(challenge.keyAuthorization);
    // Not for another host, and an unknown token is redirected like any other path.
    expect((await httpGet(httpPort, 'other.shop-owner.test', `/.well-known/acme-challenge/${challenge.token}`)).status).toBe(404);
    expect((await httpGet(httpPort, hostname, `/.well-known/acme-challenge/${'u'.repeat(43)}`)).status).toBe(308);
    await certificates.removeChallenge(challenge.token);

    // Tenant hosts have the operator's wildcard: redirected too; over HTTPS they get the wildcard.
    expect((await httpGet(httpPort, `shop.${ROOT_DOMAIN}`, '/')).headers.location).toBe(`https://shop.${ROOT_DOMAIN}:${tlsPort}/`);
    const tenant = await httpsGet(tlsPort, `shop.${ROOT_DOMAIN}`, '/', wildcard.cert);
    expect(tenant.status).toBe(200);
    expect(tenant.cert!.subjectaltname).toContain(`DNS:*.${ROOT_DOMAIN}`);
  });

  it('gives an unknown server name no certificate at all, never another tenant\'s', async () => {
    for (const name of ['nobody.example', 'unverified.shop-owner.test', 'a.b.apps.test', undefined]) {
      expect(await handshake(tlsPort, name)).toEqual({ refused: expect.any(String) });
    }
    const pending = (await api().post(`/v1/projects/${shop.id}/domains`).send({ hostname: 'pending.shop-owner.test' }).expect(201)).body;
    expect(pending.id).toBeDefined();
    expect(await handshake(tlsPort, 'pending.shop-owner.test')).toEqual({ refused: expect.any(String) });
    // Plain HTTP for a name without a certificate is not redirected.
    expect((await httpGet(httpPort, 'nobody.example')).status).toBe(404);
  });

  it('turns HSTS on per project: HTTPS answers carry Strict-Transport-Security, plain HTTP ones do not', async () => {
    await api().patch(`/v1/projects/${shop.id}`).send({ hsts: true }).expect(200);
    await within(10_000, async () => (await httpsGet(tlsPort, 'www.shop-owner.test', '/', root)).headers['strict-transport-security'] === 'max-age=63072000');
    const session = await h2Session(tlsPort, 'www.shop-owner.test', root);
    try {
      expect((await h2Get(session, '/')).headers['strict-transport-security']).toBe('max-age=63072000');
    } finally {
      session.close();
    }
    expect((await httpGet(httpPort, 'www.shop-owner.test', '/')).headers['strict-transport-security']).toBeUndefined();
    await api().patch(`/v1/projects/${shop.id}`).send({ hsts: false }).expect(200);
    await within(10_000, async () => (await httpsGet(tlsPort, 'www.shop-owner.test', '/', root)).headers['strict-transport-security'] === undefined);
  });

  it('renews a certificate in place: new connections get the new one, open HTTP/1.1 and HTTP/2 connections keep working', async () => {
    const hostname = 'www.shop-owner.test';
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const session = await h2Session(tlsPort, hostname, root);
    try {
      const first = await httpsGet(tlsPort, hostname, '/', root, agent);
      const oldSerial = first.cert!.serialNumber;
      expect((await h2Get(session, '/')).status).toBe(200);

      await certificates.dueNow(domainId);
      platform.app.get(CertificateIssuer).nudge();
      // Both connections stay in use while the renewal runs (an idle one would meet the keep-alive timeout).
      await within(120_000, async () => {
        const kept = await httpsGet(tlsPort, hostname, '/', root, agent);
        if (kept.localPort !== first.localPort) throw new Error('the open HTTP/1.1 connection was dropped');
        if ((await h2Get(session, '/')).status !== 200) throw new Error('the open HTTP/2 connection failed');
        const hs = await handshake(tlsPort, hostname, root);
        return !refused(hs) && hs.cert.serialNumber !== oldSerial;
      });
      const renewed = await handshake(tlsPort, hostname, root);
      if (refused(renewed)) throw new Error(renewed.refused);
      expect(renewed.authorized).toBe(true);

      // The connections opened before the renewal still answer, on the certificate they began with.
      const again = await httpsGet(tlsPort, hostname, '/', root, agent);
      expect(again.status).toBe(200);
      expect(again.cert!.serialNumber).toBe(oldSerial);
      expect(again.localPort).toBe(first.localPort);
      expect(session.closed || session.destroyed).toBe(false);
      expect((await h2Get(session, '/')).status).toBe(200);
      expect((await certificateOf(shop.id, domainId)).state).toBe('ISSUED');
    } finally {
      session.close();
      agent.destroy();
    }
  }, 180_000);

  it('reports a failing issuance on the domain with the reason, retries it with backoff, and issues once the name answers', async () => {
    const hostname = 'broken.shop-owner.test';
    // Pebble's DNS sends its validation to an address where no edge listens.
    await pebble.setA(hostname, '127.0.0.2');
    const domain = await addVerifiedDomain(shop.id, hostname);
    await within(120_000, async () => (await certificateOf(shop.id, domain.id)).state === 'FAILED');
    const failed = await certificateOf(shop.id, domain.id);
    expect(failed.failureReason).toMatch(/connection refused|connect/i);
    expect(failed.expiresAt).toBeNull();
    expect(await handshake(tlsPort, hostname)).toEqual({ refused: expect.any(String) });
    // Retried: the failure count grows while the name still does not answer.
    const row = async () => platform.prisma.certificate.findUniqueOrThrow({ where: { domainId: domain.id } });
    const firstFailures = (await row()).failures;
    await within(60_000, async () => (await row()).failures > firstFailures);

    await pebble.clearA(hostname);
    await issued(shop.id, domain.id);
    expect((await certificateOf(shop.id, domain.id)).failureReason).toBeNull();
    await within(10_000, async () => {
      const hs = await handshake(tlsPort, hostname, root);
      return !refused(hs) && hs.authorized;
    });
  }, 180_000);

  it('reloads the operator\'s wildcard when its files change, and keeps the old one when the new pair is bad', async () => {
    const reloader = platform.app.get(RootCertificateReloader);
    const serialOf = async () => {
      const hs = await handshake(tlsPort, `shop.${ROOT_DOMAIN}`);
      if (refused(hs)) throw new Error(hs.refused);
      return hs.cert.serialNumber;
    };
    const before = await serialOf();
    const next = wildcardPair(dir, 'next');
    writeFileSync(join(dir, 'tls.crt'), next.cert);
    writeFileSync(join(dir, 'tls.key'), next.key);
    await within(20_000, async () => (await serialOf()) !== before);
    const loaded = await serialOf();
    const tenant = await httpsGet(tlsPort, `shop.${ROOT_DOMAIN}`, '/', next.cert);
    expect(tenant.status).toBe(200);

    // A certificate with another pair's key: refused, the loaded one stays.
    const other = wildcardPair(dir, 'other');
    writeFileSync(join(dir, 'tls.key'), other.key);
    await reloader.reload();
    expect(await serialOf()).toBe(loaded);
    writeFileSync(join(dir, 'tls.crt'), 'not a certificate');
    await reloader.reload();
    expect(await serialOf()).toBe(loaded);
    // Both halves of a good pair in place: loaded.
    writeFileSync(join(dir, 'tls.crt'), other.cert);
    await within(20_000, async () => (await serialOf()) !== loaded);
  });

  describe('with a second edge instance', () => {
    let second: INestApplicationContext;
    let secondHttp: number;
    let secondTls: number;

    beforeAll(async () => {
      // Its own app on the same database and message bus (the platform's transport, which it must not close).
      const transport = platform.transport;
      const shared = new Proxy(transport, {
        get: (target, prop) => (prop === 'close' ? async () => undefined : (Reflect.get(target, prop, target) as unknown)),
      });
      Object.assign(process.env, { EDGE_INSTANCE_ID: `https-e2e-b-${process.pid}`, EDGE_TLS_CERT_FILE: '', EDGE_TLS_KEY_FILE: '' });
      const moduleRef = await Test.createTestingModule({ imports: [CoreModule.forRoot({ app: 'edge-router', relay: false }), EdgeRouterModule] })
        .overrideProvider(MESSAGE_TRANSPORT)
        .useValue(shared)
        .compile();
      second = moduleRef.createNestApplication({ logger: ['error'] });
      await (second as unknown as { init(): Promise<void> }).init();
      const server = second.get(EdgeServer);
      secondHttp = server.address()!.port;
      secondTls = server.secureAddress()!.port;
      await second.get(RouteTableSync).ready;
      await second.get(CertificateSync).ready;
    }, 120_000);

    afterAll(async () => {
      await second?.close();
    });

    it('serves the certificates issued before it started (snapshot)', async () => {
      const hs = await handshake(secondTls, 'www.shop-owner.test', root);
      if (refused(hs)) throw new Error(hs.refused);
      expect(hs.authorized).toBe(true);
    });

    it('answers the challenges of either instance, and a new certificate reaches both', async () => {
      const challenge = { hostname: 'www.shop-owner.test', token: 'two_'.padEnd(43, 'y'), keyAuthorization: `${'two_'.padEnd(43, 'y')}.${'z'.repeat(43)}` };
      await certificates.publishChallenge({ ...challenge, expiresAt: new Date(Date.now() + 60_000) });
      for (const port of [httpPort, secondHttp]) {
        const answered = await httpGet(port, challenge.hostname, `/.well-known/acme-challenge/${challenge.token}`);
        expect(answered).toMatchObject({ status: 200, body: challenge.keyAuthorization });
      }
      await certificates.removeChallenge(challenge.token);

      const hostname = 'two.shop-owner.test';
      const domain = await addVerifiedDomain(shop.id, hostname);
      await issued(shop.id, domain.id);
      for (const port of [tlsPort, secondTls]) {
        await within(10_000, async () => {
          const hs = await handshake(port, hostname, root);
          return !refused(hs) && hs.authorized && hs.cert.subjectaltname === `DNS:${hostname}`;
        });
      }
      const viaSecond = await httpsGet(secondTls, hostname, '/', root);
      expect(viaSecond.status).toBe(200);
      expect(viaSecond.body).toContain('shop over https');
    }, 180_000);
  });
});
