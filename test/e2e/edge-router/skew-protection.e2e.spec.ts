import { Logger } from '@nestjs/common';
import { newId } from '@deploysphere/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { testDatabaseKinds } from '@deploysphere/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, within } from '../../../apps/edge-router/test-support/edge-client';
import { EdgeServer } from '../../../apps/edge-router/src/server/edge-server';
import { EdgeRouterModule } from '../../../apps/edge-router/src/edge-router.module';
import { RouteTableSync } from '../../../apps/edge-router/src/routing/route-table.sync';
import { PrismaRouteSnapshotSource } from '../../../apps/edge-router/src/routing/prisma-route-snapshot-source.adapter';
import { RouteTable } from '../../../apps/edge-router/src/routing/route-table';
import { DEPLOYMENT_REPOSITORY } from '@deploysphere/deployments';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// Skew protection end to end, as `npm start` composes the apps: the api promotes and rolls back
// (alias row + AliasMoved.v1 in one transaction), the outbox relay carries the event, the edge
// moves its alias; browsers that loaded a page before a move fetch that page's assets after it,
// over the real database and the local artifact store.

const NAVIGATE = { 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const SUBRESOURCE = { 'sec-fetch-mode': 'no-cors', accept: '*/*' };
const ASSET_REF = /(?:src|href)="(\/[^"]+)"/g;

interface Answer {
  status: number;
  body: string;
  deployment?: string;
  setCookie: string[];
}

function fetchEdge(port: number, host: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, deployment: res.headers['x-deploysphere-deployment'] as string | undefined, setCookie: res.headers['set-cookie'] ?? [] }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A browser's view of one host: its cookie jar (name → value, as Set-Cookie left it). */
class Browser {
  private readonly jar = new Map<string, string>();

  constructor(
    private readonly port: number,
    private readonly host: string,
  ) {}

  async fetch(path: string, headers: Record<string, string>): Promise<Answer> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const answer = await fetchEdge(this.port, this.host, path, cookie ? { ...headers, cookie } : headers);
    for (const line of answer.setCookie) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return answer;
  }

  /** Loads the page (a navigation) and returns its deployment and the files it references. */
  async open(): Promise<{ deployment: string; assets: string[] }> {
    const page = await this.fetch('/', NAVIGATE);
    if (page.status !== 200 || !page.deployment) throw new Error(`page: ${page.status}`);
    return { deployment: page.deployment, assets: [...page.body.matchAll(ASSET_REF)].map((m) => m[1]) };
  }

  /** Fetches a page's files as the page would; describes every one that is missing or from another deployment. */
  async problems(page: { deployment: string; assets: string[] }): Promise<string[]> {
    const found: string[] = [];
    for (const path of page.assets) {
      const res = await this.fetch(path, SUBRESOURCE);
      if (res.status !== 200) found.push(`${path}: ${res.status}`);
      else if (res.deployment !== page.deployment || !res.body.includes(page.deployment)) found.push(`${path}: from ${res.deployment} for a page of ${page.deployment}`);
    }
    return found;
  }
}

describe.each(testDatabaseKinds())('skew protection at the edge over %s (api → outbox → edge)', (kind) => {
  let platform: TestPlatform;
  let port: number;
  let dir: string;
  let token: string;
  let shop: { id: string };
  const versions: string[] = [];

  const api = () => platform.as(token);
  const live = async () => (await get(port, 'shop.localhost')).deployment;

  /**
   * A READY production deployment whose page references content-hashed assets only it has, and
   * a `version.json` every deployment has: each file names the deployment, so a mix shows.
   */
  async function readyDeployment(projectId: string, hash: string): Promise<string> {
    const id = newId('dpl');
    const out = join(dir, id);
    mkdirSync(join(out, 'assets'), { recursive: true });
    writeFileSync(join(out, 'assets', `app-${hash}.js`), `console.log(${JSON.stringify(id)});\n`);
    writeFileSync(join(out, 'assets', `style.${hash}.css`), `/* ${id} */ body { color: #${hash.slice(0, 6)} }\n`);
    writeFileSync(join(out, 'version.json'), JSON.stringify({ id }));
    writeFileSync(
      join(out, 'index.html'),
      `<!doctype html><link rel="stylesheet" href="/assets/style.${hash}.css"><script src="/assets/app-${hash}.js"></script><script src="/version.json" type="application/json"></script><h1>${id}</h1>`,
    );
    const stored = await platform.app.get<ArtifactStore>(ARTIFACT_STORE).putDeployment(id, out);
    await platform.prisma.deployment.create({
      data: { id, projectId, status: 'READY', target: 'PRODUCTION', source: 'UPLOAD', readyAt: new Date(), artifactManifestKey: stored.manifestKey },
    });
    return id;
  }

  /** Flip number i: promote the newer deployment, or roll back to the older one. */
  async function flip(i: number): Promise<string> {
    if (i % 2 === 0) {
      await api().post(`/v1/deployments/${versions[1]}/promote`).expect(200);
      return versions[1];
    }
    await api().post(`/v1/projects/${shop.id}/rollback`).send({}).expect(200);
    return versions[0];
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    dir = mkdtempSync(join(tmpdir(), 'edge-skew-e2e-'));
    // Port 0: the edge binds a free port itself, so parallel test files never race for one.
    platform = await startTestPlatform(
      kind,
      { ROOT_DOMAIN: 'localhost', BIND_HOST: '127.0.0.1', EDGE_PORT: '0', EDGE_INSTANCE_ID: `skew-e2e-${kind}` },
      { imports: [EdgeRouterModule] },
    );
    port = platform.app.get(EdgeServer).address()!.port;
    await platform.app.get(RouteTableSync).ready;
    token = (await createTeamWithToken(platform, 'Edge Skew')).token;
    shop = (await api().post('/v1/projects').send({ name: 'Shop', slug: 'shop' }).expect(201)).body;
    versions.push(await readyDeployment(shop.id, '1a2b3c4d'), await readyDeployment(shop.id, '9f8e7d6c'));
    await api().post(`/v1/deployments/${versions[0]}/promote`).expect(200);
    await within(10_000, async () => (await live()) === versions[0]);
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every page its own assets through 20 promote/rollback flips: no 404, no mixed version', async () => {
    const problems: string[] = [];
    let pairs = 0;
    const straddled = { [versions[0]]: 0, [versions[1]]: 0 } as Record<string, number>;

    // Browsers loading pages and their assets all the while, each with its own cookie jar.
    let stop = false;
    const browse = async () => {
      const browser = new Browser(port, 'shop.localhost');
      while (!stop) {
        const page = await browser.open();
        problems.push(...(await browser.problems(page)));
        pairs++;
      }
    };
    const browsers = Array.from({ length: 4 }, browse);

    // And every flip lands between a page and its assets for one more browser.
    for (let i = 0; i < 20; i++) {
      const browser = new Browser(port, 'shop.localhost');
      const page = await browser.open();
      const target = await flip(i);
      expect(target).not.toBe(page.deployment);
      await within(10_000, async () => (await live()) === target);
      problems.push(...(await browser.problems(page)));
      straddled[page.deployment]++;
      pairs++;
    }
    stop = true;
    await Promise.all(browsers);

    expect(problems).toEqual([]);
    expect(straddled).toEqual({ [versions[0]]: 10, [versions[1]]: 10 });
    expect(pairs).toBeGreaterThan(20);
  }, 180_000);

  it('honours the pins of the last flips in an edge started after them (the snapshot says when the alias left each deployment)', async () => {
    const target = await live();
    const old = versions.find((v) => v !== target)!;
    const snapshot = await new PrismaRouteSnapshotSource(platform.prisma, platform.app.get(DEPLOYMENT_REPOSITORY)).load();
    const fresh = new RouteTable('localhost', 60_000);
    fresh.replaceAll(snapshot);
    const project = fresh.project(shop.id)!;
    expect(fresh.pinned(project, old, Date.now())?.id).toBe(old);
    expect(fresh.pinned(project, target!, Date.now())?.id).toBe(target);
    expect(fresh.pinned(project, old, Date.now() + 60_000)).toBeUndefined();
  });

  it("gives a page whose pin another tab replaced its hashed assets still (the same-named file is the live one's)", async () => {
    const browser = new Browser(port, 'shop.localhost');
    const page = await browser.open();
    const target = await flip(page.deployment === versions[0] ? 0 : 1);
    await within(10_000, async () => (await live()) === target);
    expect((await browser.open()).deployment).toBe(target); // the second tab re-pins the browser
    const hashed = page.assets.filter((a) => a.startsWith('/assets/'));
    expect(hashed).toHaveLength(2);
    for (const path of hashed) {
      const res = await browser.fetch(path, SUBRESOURCE);
      expect({ status: res.status, deployment: res.deployment }).toEqual({ status: 200, deployment: page.deployment });
    }
    expect(JSON.parse((await browser.fetch('/version.json', SUBRESOURCE)).body)).toEqual({ id: target });
  });
});
