import { previewLabel } from '@deploysphere/common';
import { RETIRED_PER_PROJECT, RouteTable } from './route-table';
import { DEFAULT_PROJECT_SETTINGS, type RouteSnapshot } from './route.types';

const P1 = 'prj_01jd8x0000000000000000000a';
const P2 = 'prj_01jd8x0000000000000000000b';
const D1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const D2 = 'dpl_01jd8x3k9n0000000000000000';
const D3 = 'dpl_01jd8x3k9n0000000000000001';

function snapshot(): RouteSnapshot {
  return {
    projects: [
      { id: P1, slug: 'shop', productionDeploymentId: D1, aliasAt: 1_000 },
      { id: P2, slug: 'blog' },
    ],
    deployments: [
      { id: D1, projectId: P1 },
      { id: D2, projectId: P1 },
      { id: D3, projectId: P1 },
    ],
    domains: [],
  };
}

function loaded(): RouteTable {
  const table = new RouteTable('apps.test');
  table.replaceAll(snapshot());
  return table;
}

const deploymentOf = (table: RouteTable, host: string) => {
  const r = table.resolve(host);
  return r.kind === 'deployment' ? r.deployment.id : r.kind;
};

describe('RouteTable', () => {
  it('is not loaded until the first snapshot', () => {
    const table = new RouteTable('apps.test');
    expect(table.loaded).toBe(false);
    table.replaceAll(snapshot());
    expect(table.loaded).toBe(true);
    expect(table.stats()).toEqual({ projects: 2, deployments: 3, domains: 0 });
  });

  it('routes <slug>.<root> to the production alias, case- and port-insensitively', () => {
    const table = loaded();
    expect(deploymentOf(table, 'shop.apps.test')).toBe(D1);
    expect(deploymentOf(table, 'SHOP.apps.test:8080')).toBe(D1);
    expect(table.resolve('shop.apps.test')).toMatchObject({ preview: false, project: { id: P1 } });
  });

  it('says a known project has no live deployment, and an unknown one is unknown', () => {
    const table = loaded();
    expect(table.resolve('blog.apps.test')).toMatchObject({ kind: 'no-deployment', project: { id: P2 } });
    expect(table.resolve('nope.apps.test').kind).toBe('unknown');
    expect(table.resolve('a.shop.apps.test').kind).toBe('unknown');
    expect(table.resolve('apps.test').kind).toBe('platform');
    expect(table.resolve('shop_1.apps.test').kind).toBe('invalid');
  });

  it('routes a preview label carrying the whole 26-character id part', () => {
    const table = loaded();
    expect(deploymentOf(table, '01jd8x3k9m2f4q7r8s9t0v1w2x-shop.apps.test')).toBe(D1);
    expect(deploymentOf(table, '01jd8x3k9n0000000000000001-shop.apps.test')).toBe(D3);
    expect(table.resolve('01jd8x3k9m2f4q7r8s9t0v1w2x-shop.apps.test')).toMatchObject({ preview: true });
  });

  it('never serves a prefix of the id: its characters are mostly the guessable creation time', () => {
    const table = loaded();
    for (const prefix of ['01jd8x3k9m', '01jd8x3k9m2f4q7r8s9t0v1w2', '01jd8x3k9', '01jd8x3k9n0000000000000000'.slice(0, 14)]) {
      expect(deploymentOf(table, `${prefix}-shop.apps.test`)).toBe('unknown');
    }
  });

  it("refuses an id on another project's slug, or an unknown id", () => {
    const table = loaded();
    expect(deploymentOf(table, '01jd8x3k9m2f4q7r8s9t0v1w2x-blog.apps.test')).toBe('unknown'); // D1 is not blog's
    expect(deploymentOf(table, '01jd8x3k9m2f4q7r8s9t0v1w2z-shop.apps.test')).toBe('unknown');
  });

  it('serves a long slug at the label previewLabel() gives (cut to 63 characters)', () => {
    const table = loaded();
    const slug = 'a-very-long-project-slug-that-does-not-fit-one-label';
    table.addDeployment({ id: 'dpl_01jd8z0000000000000000000z', projectId: 'prj_01jd8x0000000000000000000d' }, slug);
    const label = previewLabel('dpl_01jd8z0000000000000000000z', slug);
    expect(label.length).toBeLessThanOrEqual(63);
    expect(deploymentOf(table, `${label}.apps.test`)).toBe('dpl_01jd8z0000000000000000000z');
    expect(deploymentOf(table, `01jd8z0000000000000000000z-${slug}.apps.test`)).toBe('invalid'); // over 63: not a DNS label
  });

  it("lets a preview label win over a slug crafted to shadow it", () => {
    const table = loaded();
    table.upsertProject('prj_01jd8x0000000000000000000c', '01jd8x3k9m2f4q7r8s9t0v1w2x-shop', DEFAULT_PROJECT_SETTINGS, 1);
    expect(deploymentOf(table, '01jd8x3k9m2f4q7r8s9t0v1w2x-shop.apps.test')).toBe(D1);
  });

  it('moves the alias, and the next resolution sees it', () => {
    const table = loaded();
    const before = table.resolve('shop.apps.test');
    expect(table.moveAlias(P1, 'shop', D2, 2_000)).toBe(true);
    expect(deploymentOf(table, 'shop.apps.test')).toBe(D2);
    // What a request in flight already resolved stays as it was.
    expect(before).toMatchObject({ kind: 'deployment', deployment: { id: D1 } });
  });

  it('ignores an alias move older than the one applied (late or replayed events)', () => {
    const table = loaded();
    table.moveAlias(P1, 'shop', D2, 3_000);
    expect(table.moveAlias(P1, 'shop', D3, 2_500)).toBe(false);
    expect(deploymentOf(table, 'shop.apps.test')).toBe(D2);
    expect(table.moveAlias(P1, 'shop', D1, 500)).toBe(false); // older than the snapshot's alias
  });

  it('learns projects and deployments from events alone, in either order', () => {
    const table = loaded();
    const P3 = 'prj_01jd8x0000000000000000000d';
    const D4 = 'dpl_01jd9a0000000000000000000a';
    table.moveAlias(P3, 'docs', D4, 10); // alias first: the ready event is on another topic
    expect(deploymentOf(table, 'docs.apps.test')).toBe(D4);
    table.addDeployment({ id: D4, projectId: P3, manifestKey: 'deployments/x/manifest.json' }, 'docs');
    expect(deploymentOf(table, '01jd9a0000000000000000000a-docs.apps.test')).toBe(D4);
  });

  it('applies settings and renames, newest first', () => {
    const table = loaded();
    table.upsertProject(P2, 'journal', { cleanUrls: true, spaFallback: true, custom404: false }, 100);
    expect(table.resolve('blog.apps.test').kind).toBe('unknown');
    expect(table.project(P2)?.settings).toEqual({ cleanUrls: true, spaFallback: true, custom404: false });
    expect(table.upsertProject(P2, 'journal', { ...DEFAULT_PROJECT_SETTINGS }, 50)).toBe(false);
    expect(table.project(P2)?.settings.cleanUrls).toBe(true);
    expect(table.resolve('journal.apps.test').kind).toBe('no-deployment');
  });

  it('never lets a replayed ready or alias event rename a project it knows', () => {
    const table = loaded();
    table.upsertProject(P1, 'store', DEFAULT_PROJECT_SETTINGS, 5_000); // renamed shop → store
    table.addDeployment({ id: D2, projectId: P1 }, 'shop'); // an old event, still naming shop
    table.moveAlias(P1, 'shop', D2, 6_000);
    expect(deploymentOf(table, 'store.apps.test')).toBe(D2);
    expect(table.resolve('shop.apps.test').kind).toBe('unknown');
    // An older routing event (from before the rename) is ignored too.
    expect(table.upsertProject(P1, 'shop', DEFAULT_PROJECT_SETTINGS, 4_000)).toBe(false);
    expect(table.project(P1)?.slug).toBe('store');
  });

  it('takes project routing from the snapshot as of the row update time', () => {
    const table = new RouteTable('apps.test');
    table.replaceAll({ projects: [{ id: P2, slug: 'blog', updatedAt: 9_000, settings: { spaFallback: true } }], deployments: [], domains: [] });
    expect(table.project(P2)?.settings).toEqual({ ...DEFAULT_PROJECT_SETTINGS, spaFallback: true });
    expect(table.upsertProject(P2, 'old-blog', DEFAULT_PROJECT_SETTINGS, 8_000)).toBe(false);
    expect(table.upsertProject(P2, 'new-blog', DEFAULT_PROJECT_SETTINGS, 9_500)).toBe(true);
    expect(table.resolve('new-blog.apps.test').kind).toBe('no-deployment');
  });

  it('forgets a deleted project and does not let a late event bring it back', () => {
    const table = loaded();
    table.removeProject(P1);
    expect(table.resolve('shop.apps.test').kind).toBe('unknown');
    expect(table.resolve('01jd8x3k9m2f4q7r8s9t0v1w2x-shop.apps.test').kind).toBe('unknown');
    table.moveAlias(P1, 'shop', D1, 99_999);
    expect(table.resolve('shop.apps.test').kind).toBe('unknown');
  });

  it('routes verified custom domains to the production alias (extension point)', () => {
    const table = loaded();
    expect(table.resolve('www.shop.example').kind).toBe('unknown');
    table.attachDomain('WWW.Shop.Example', P1);
    expect(deploymentOf(table, 'www.shop.example')).toBe(D1);
    expect(deploymentOf(table, 'www.shop.example.:443')).toBe(D1);
    table.detachDomain('www.shop.example');
    expect(table.resolve('www.shop.example').kind).toBe('unknown');
  });

  it('takes the snapshot alias only when it points at a READY deployment it knows', () => {
    const table = new RouteTable('apps.test');
    table.replaceAll({ projects: [{ id: P1, slug: 'shop', productionDeploymentId: D1 }], deployments: [], domains: [] });
    expect(table.resolve('shop.apps.test').kind).toBe('no-deployment');
  });

  it('resolves any of 1,000 projects by its slug', () => {
    const table = new RouteTable('apps.test');
    const projects = [];
    const deployments = [];
    for (let i = 0; i < 1_000; i++) {
      const id = `prj_${String(i).padStart(26, '0')}`;
      const dep = `dpl_${String(i).padStart(26, '0')}`;
      projects.push({ id, slug: `site-${i}`, productionDeploymentId: dep });
      deployments.push({ id: dep, projectId: id });
    }
    table.replaceAll({ projects, deployments, domains: [] });
    expect(deploymentOf(table, 'site-999.apps.test')).toBe(`dpl_${String(999).padStart(26, '0')}`);
  });
});

describe('RouteTable custom domains', () => {
  const HOST = 'www.shop.example';

  it('serves a domain from the snapshot as of its verification, so an older removal is ignored', () => {
    const table = new RouteTable('apps.test');
    table.replaceAll({ ...snapshot(), domains: [{ domain: HOST, projectId: P1, verifiedAt: 5_000 }] });
    expect(deploymentOf(table, HOST)).toBe(D1);
    expect(table.detachDomain(HOST, 4_000)).toBe(false); // removal of an earlier attachment of the name
    expect(deploymentOf(table, HOST)).toBe(D1);
    expect(table.detachDomain(HOST, 6_000)).toBe(true);
    expect(table.resolve(HOST).kind).toBe('unknown');
  });

  it('keeps a removal that overtook its verification (they travel on different topics)', () => {
    const table = loaded();
    table.detachDomain(HOST, 2_000);
    expect(table.attachDomain(HOST, P1, 1_000, 'shop')).toBe(false);
    expect(table.resolve(HOST).kind).toBe('unknown');
    // The name added and verified again later is served again.
    expect(table.attachDomain(HOST, P2, 3_000, 'blog')).toBe(true);
    expect(table.resolve(HOST)).toMatchObject({ kind: 'no-deployment', project: { id: P2 } });
    // A stale removal cannot weaken the newer tombstone either.
    table.detachDomain(HOST, 4_000);
    table.detachDomain(HOST, 2_500);
    expect(table.attachDomain(HOST, P2, 3_500)).toBe(false);
  });

  it('moves a name to the project of its newest verification only', () => {
    const table = loaded();
    table.attachDomain(HOST, P2, 2_000, 'blog');
    expect(table.attachDomain(HOST, P1, 1_000, 'shop')).toBe(false);
    expect(table.resolve(HOST)).toMatchObject({ project: { id: P2 } });
  });

  it('learns the project of a verified domain from the event when it did not know it', () => {
    const table = loaded();
    const P3 = 'prj_01jd8x0000000000000000000d';
    const D4 = 'dpl_01jd9a0000000000000000000a';
    expect(table.attachDomain('docs.example.org', P3, 10, 'docs')).toBe(true);
    expect(table.resolve('docs.example.org')).toMatchObject({ kind: 'no-deployment', project: { id: P3 } });
    table.moveAlias(P3, 'docs', D4, 20);
    expect(deploymentOf(table, 'docs.example.org')).toBe(D4);
    expect(deploymentOf(table, 'docs.apps.test')).toBe(D4);
  });

  it("drops a deleted project's domains and never attaches a domain to it again", () => {
    const table = loaded();
    table.attachDomain(HOST, P1, 1_000);
    table.removeProject(P1);
    expect(table.resolve(HOST).kind).toBe('unknown');
    expect(table.attachDomain(HOST, P1, 9_000, 'shop')).toBe(false);
    expect(table.resolve(HOST).kind).toBe('unknown');
    expect(table.stats().domains).toBe(0);
  });

  it('never lets a domain map shadow the platform or tenant hosts', () => {
    const table = loaded();
    table.attachDomain('apps.test', P1, 1);
    table.attachDomain('blog.apps.test', P1, 1);
    expect(table.resolve('apps.test').kind).toBe('platform');
    expect(table.resolve('blog.apps.test')).toMatchObject({ kind: 'no-deployment', project: { id: P2 } });
  });

  describe('skew pins', () => {
    const WINDOW = 60_000;
    const now = 1_000_000;
    const windowed = (snap: RouteSnapshot = snapshot()) => {
      const table = new RouteTable('apps.test', WINDOW);
      table.replaceAll(snap);
      return table;
    };
    const pinOf = (table: RouteTable, project: string, id: string, at = now) => table.pinned(table.project(project)!, id, at)?.id;

    it('honours the live deployment and the ones the alias left within the window, and nothing else', () => {
      const table = windowed();
      expect(pinOf(table, P1, D1)).toBe(D1); // live
      table.moveAlias(P1, 'shop', D2, now - 10_000, D1);
      expect(pinOf(table, P1, D1)).toBe(D1);
      expect(pinOf(table, P1, D1, now - 10_000 + WINDOW - 1)).toBe(D1);
      expect(pinOf(table, P1, D1, now - 10_000 + WINDOW)).toBeUndefined();
      expect(pinOf(table, P1, D3)).toBeUndefined(); // READY, but never production
      expect(pinOf(table, P2, D1)).toBeUndefined(); // another project's
      expect(pinOf(table, P1, 'dpl_01jd8x3k9n000000000000000z')).toBeUndefined(); // not READY here
      expect(pinOf(table, P1, 'prj_01jd8x3k9m2f4q7r8s9t0v1w2x')).toBeUndefined(); // same key, other kind of id
    });

    it('counts from the latest time the alias left a deployment, through promote and rollback loops', () => {
      const table = windowed();
      table.moveAlias(P1, 'shop', D2, now - 50_000, D1);
      table.moveAlias(P1, 'shop', D1, now - 40_000, D2);
      table.moveAlias(P1, 'shop', D2, now - 5_000); // no previous named: the table's own live one
      expect(pinOf(table, P1, D1, now + WINDOW - 10_000)).toBe(D1);
      expect(pinOf(table, P1, D2)).toBe(D2);
      table.moveAlias(P1, 'shop', D3, now, D2);
      expect(pinOf(table, P1, D2, now + WINDOW - 1)).toBe(D2);
    });

    it('records the replaced deployment of a late alias event, without moving the alias back', () => {
      const table = windowed();
      table.moveAlias(P1, 'shop', D3, now, D2);
      expect(table.moveAlias(P1, 'shop', D2, now - 1_000, D1)).toBe(false);
      expect(deploymentOf(table, 'shop.apps.test')).toBe(D3);
      expect(pinOf(table, P1, D1)).toBe(D1);
      expect(pinOf(table, P1, D2)).toBe(D2);
    });

    it('loads when the alias left each deployment from the snapshot', () => {
      const snap = snapshot();
      snap.projects[0].productionDeploymentId = D2;
      snap.deployments[0].leftProductionAt = now - 1_000;
      snap.deployments[2].leftProductionAt = now - WINDOW - 1;
      const table = windowed(snap);
      expect(pinOf(table, P1, D1)).toBe(D1);
      expect(pinOf(table, P1, D3)).toBeUndefined();
    });

    it(`keeps the ${RETIRED_PER_PROJECT} most recently replaced deployments per project`, () => {
      const table = windowed();
      const ids = Array.from({ length: RETIRED_PER_PROJECT + 5 }, (_, i) => `dpl_01jd9b${String(i).padStart(20, '0')}`);
      ids.forEach((id, i) => table.moveAlias(P1, 'shop', id, now - 1_000 + i));
      table.moveAlias(P1, 'shop', D2, now);
      expect(table.project(P1)!.retired.size).toBe(RETIRED_PER_PROJECT);
      expect(pinOf(table, P1, ids[ids.length - 1])).toBe(ids[ids.length - 1]);
      expect(pinOf(table, P1, ids[4])).toBeUndefined();
      // An older statement does not push a newer one out.
      table.moveAlias(P1, 'shop', D2, now - 5_000, ids[0]);
      expect(pinOf(table, P1, ids[0])).toBeUndefined();
      expect(pinOf(table, P1, ids[5])).toBe(ids[5]);
    });

    it('lists the live deployment, then those left within the window, most recently left first', () => {
      const table = windowed();
      table.moveAlias(P1, 'shop', D2, now - 30_000, D1);
      table.moveAlias(P1, 'shop', D3, now - 20_000, D2);
      table.moveAlias(P1, 'shop', D1, now - 10_000, D3);
      const recent = (at: number) => table.recentProduction(table.project(P1)!, at).map((d) => d.id);
      expect(recent(now)).toEqual([D1, D3, D2]);
      expect(recent(now - 20_000 + WINDOW)).toEqual([D1, D3]);
      expect(recent(now + WINDOW)).toEqual([D1]);
    });

    it('honours no pin with a window of 0', () => {
      const table = loaded();
      table.moveAlias(P1, 'shop', D2, now, D1);
      expect(pinOf(table, P1, D1)).toBeUndefined();
      expect(pinOf(table, P1, D2)).toBe(D2);
    });
  });
});

describe('RouteTable server app instances', () => {
  const app = (table: RouteTable, id = D1) => table.deployment(id)?.app?.upstreams;

  it('takes the running instances from the snapshot; a static deployment has none', () => {
    const table = new RouteTable('apps.test');
    table.replaceAll({ ...snapshot(), deployments: [{ id: D1, projectId: P1, upstreams: ['10.0.0.1:3000'] }, { id: D2, projectId: P1, upstreams: [] }, { id: D3, projectId: P1 }] });
    expect(app(table)).toEqual(['10.0.0.1:3000']);
    expect(app(table, D2)).toEqual([]);
    expect(table.deployment(D3)?.app).toBeUndefined();
    const resolved = table.resolve('shop.apps.test');
    expect(resolved.kind === 'deployment' && resolved.deployment.app?.upstreams).toEqual(['10.0.0.1:3000']);
  });

  it('applies the newest statement of ready and upstreams-changed events, whatever their order', () => {
    const table = loaded();
    table.addDeployment({ id: 'dpl_01jd8x3k9p0000000000000000', projectId: P1, upstreams: ['10.0.0.1:3000'] }, 'shop', 1_000);
    const id = 'dpl_01jd8x3k9p0000000000000000';
    expect(table.setUpstreams(id, [], 2_000)).toBe(true);
    expect(app(table, id)).toEqual([]);
    // A replayed ready (older) does not wake it; a newer change does.
    table.addDeployment({ id, projectId: P1, upstreams: ['10.0.0.1:3000'] }, 'shop', 1_000);
    expect(app(table, id)).toEqual([]);
    expect(table.setUpstreams(id, ['10.0.0.2:3000'], 1_500)).toBe(false);
    expect(table.setUpstreams(id, ['10.0.0.2:3000'], 3_000)).toBe(true);
    expect(app(table, id)).toEqual(['10.0.0.2:3000']);
  });

  it('keeps an upstreams change that overtook its ready event, and applies it when the ready arrives', () => {
    const table = loaded();
    const id = 'dpl_01jd8x3k9q0000000000000000';
    expect(table.setUpstreams(id, ['10.0.0.9:3000'], 5_000)).toBe(false);
    table.addDeployment({ id, projectId: P1, upstreams: ['10.0.0.1:3000'] }, 'shop', 1_000);
    expect(app(table, id)).toEqual(['10.0.0.9:3000']);
  });

  it('an alias event first makes a route without instances; the ready event then makes it a server app', () => {
    const table = loaded();
    const id = 'dpl_01jd8x3k9r0000000000000000';
    table.moveAlias(P1, 'shop', id, 5_000);
    expect(table.deployment(id)?.app).toBeUndefined();
    table.addDeployment({ id, projectId: P1, upstreams: ['10.0.0.1:3000'] }, 'shop', 4_000);
    const resolved = table.resolve('shop.apps.test');
    expect(resolved.kind === 'deployment' && resolved.deployment.app?.upstreams).toEqual(['10.0.0.1:3000']);
  });

  it('tells a watcher about each change of the instances until it stops watching', () => {
    const table = loaded();
    const id = 'dpl_01jd8x3k9s0000000000000000';
    table.addDeployment({ id, projectId: P1, upstreams: [] }, 'shop', 1);
    const seen: Array<readonly string[] | undefined> = [];
    const stop = table.watchUpstreams(id, () => seen.push(app(table, id)));
    table.setUpstreams(id, ['10.0.0.1:3000'], 2);
    table.setUpstreams(id, ['10.0.0.1:3000'], 1); // older: not applied, no call
    stop();
    table.setUpstreams(id, [], 3);
    expect(seen).toEqual([['10.0.0.1:3000']]);
  });
});
