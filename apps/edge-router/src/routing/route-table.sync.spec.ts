import { Logger } from '@nestjs/common';
import { Topics } from '@deploysphere/contracts';
import { ConsumerHost, DEFAULT_MESSAGING_OPTIONS, InMemoryTransport } from '@deploysphere/messaging';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';
import { testEdgeSettings } from '../../test-support/edge-harness';
import { routeEvents } from '../../test-support/route-events';
import { ManifestCache } from '../serving/manifest-cache';
import type { RouteSnapshotSource } from './route-snapshot-source.port';
import { RouteTable } from './route-table';
import { RouteTableSync } from './route-table.sync';
import type { RouteSnapshot } from './route.types';

const P1 = 'prj_01jd8x0000000000000000000a';
const D1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const D2 = 'dpl_01jd8x3k9n0000000000000000';

class ControlledSource implements RouteSnapshotSource {
  calls = 0;
  failures = 0;
  private release!: (s: RouteSnapshot) => void;
  readonly gate = new Promise<RouteSnapshot>((r) => (this.release = r));
  constructor(private readonly snapshot?: RouteSnapshot) {}
  async load(): Promise<RouteSnapshot> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('database unavailable');
    }
    return this.snapshot ?? this.gate;
  }
  open(snapshot: RouteSnapshot) {
    this.release(snapshot);
  }
}

const EMPTY: RouteSnapshot = { projects: [], deployments: [], domains: [] };

function setup(source: RouteSnapshotSource, instanceId = 'edge-a', transport = new InMemoryTransport()) {
  const table = new RouteTable('apps.test');
  const consumer = new ConsumerHost(transport, { ...DEFAULT_MESSAGING_OPTIONS, retryBaseMs: 1 });
  const manifests = new ManifestCache(new InMemoryArtifactStore(), testEdgeSettings());
  const sync = new RouteTableSync(table, manifests, consumer, source, testEdgeSettings({ instanceId }));
  return { table, transport, sync };
}

const production = (table: RouteTable, host = 'shop.apps.test') => {
  const r = table.resolve(host);
  return r.kind === 'deployment' ? r.deployment.id : r.kind;
};

async function eventually(check: () => boolean, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - started;
}

describe('RouteTableSync', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('applies ready, alias, settings and deletion events to the table within a second', async () => {
    const { table, transport, sync } = setup(new ControlledSource(EMPTY));
    await sync.onApplicationBootstrap();
    await sync.ready;

    await routeEvents.ready(transport, { deploymentId: D1, projectId: P1, slug: 'shop', target: 'PRODUCTION', manifestKey: 'k', readyAt: new Date().toISOString() });
    await eventually(() => production(table, '01jd8x3k9m2f4q7r8s9t0v1w2x-shop.apps.test') === D1, 1_000);
    expect(production(table)).toBe('no-deployment'); // ready is not live: the alias decides

    await routeEvents.aliasMoved(transport, { projectId: P1, slug: 'shop', deploymentId: D1, movedAt: new Date().toISOString() });
    const ms = await eventually(() => production(table) === D1, 1_000);
    expect(ms).toBeLessThan(1_000);

    await routeEvents.routingChanged(transport, { projectId: P1, slug: 'shop', cleanUrls: true, spaFallback: true, custom404: false, changedAt: new Date().toISOString() });
    await eventually(() => table.project(P1)?.settings.spaFallback === true, 1_000);

    await routeEvents.projectDeleted(transport, { projectId: P1, slug: 'shop', deletedAt: new Date().toISOString() });
    await eventually(() => production(table) === 'unknown', 1_000);
    sync.onApplicationShutdown();
  });

  it('keeps events that arrive while the snapshot loads and applies them after it', async () => {
    const source = new ControlledSource();
    const { table, transport, sync } = setup(source);
    await sync.onApplicationBootstrap();
    await routeEvents.aliasMoved(transport, { projectId: P1, slug: 'shop', deploymentId: D2, movedAt: new Date(5_000).toISOString() });
    await transport.drained();
    expect(table.loaded).toBe(false);
    // The snapshot was read before that move: the event must win over it.
    source.open({ projects: [{ id: P1, slug: 'shop', productionDeploymentId: D1, aliasAt: 4_000 }], deployments: [{ id: D1, projectId: P1 }], domains: [] });
    await sync.ready;
    expect(production(table)).toBe(D2);
    sync.onApplicationShutdown();
  });

  it('starts a new instance after the history: what was published before it subscribed comes from the snapshot only', async () => {
    const transport = new InMemoryTransport();
    // Published (and retained by the transport) before this instance existed; since then the
    // deployment was deleted, so the snapshot no longer has it.
    await routeEvents.ready(transport, { deploymentId: D2, projectId: P1, slug: 'shop', target: 'PREVIEW', manifestKey: 'k', readyAt: new Date().toISOString() });
    const { table, sync } = setup(new ControlledSource({ projects: [{ id: P1, slug: 'shop', productionDeploymentId: D1, aliasAt: 1 }], deployments: [{ id: D1, projectId: P1 }], domains: [] }), 'edge-new', transport);
    await sync.onApplicationBootstrap();
    await sync.ready;
    await routeEvents.aliasMoved(transport, { projectId: P1, slug: 'shop', deploymentId: D1, movedAt: new Date().toISOString() });
    await transport.drained();
    expect(production(table)).toBe(D1);
    expect(production(table, '01jd8x3k9n0000000000000000-shop.apps.test')).toBe('unknown');
    // An 'earliest' group on the same transport does get the old event: the edge's choice matters.
    const replayed: string[] = [];
    await new ConsumerHost(transport, DEFAULT_MESSAGING_OPTIONS).consume('other', [Topics.DeploymentReady], async (_e, env) => void replayed.push(env.key));
    await transport.drained();
    expect(replayed).toEqual([D2]);
    sync.onApplicationShutdown();
  });

  it('retries the snapshot until the database answers', async () => {
    const source = new ControlledSource(EMPTY);
    source.failures = 2;
    const { table, sync } = setup(source);
    await sync.onApplicationBootstrap();
    await sync.ready;
    expect(source.calls).toBe(3);
    expect(table.loaded).toBe(true);
    sync.onApplicationShutdown();
  });

  it('gives every instance its own consumer group, so each sees every event', async () => {
    const transport = new InMemoryTransport();
    const a = setup(new ControlledSource(EMPTY), 'edge-a', transport);
    const b = setup(new ControlledSource(EMPTY), 'edge-b', transport);
    expect(a.sync.group).toBe('edge-router.edge-a');
    await a.sync.onApplicationBootstrap();
    await b.sync.onApplicationBootstrap();
    await Promise.all([a.sync.ready, b.sync.ready]);
    for (const d of [D1, D2]) {
      await routeEvents.aliasMoved(transport, { projectId: P1, slug: 'shop', deploymentId: d, movedAt: new Date().toISOString() });
      await transport.drained();
      expect(production(a.table)).toBe(d);
      expect(production(b.table)).toBe(d);
    }
    a.sync.onApplicationShutdown();
    b.sync.onApplicationShutdown();
  });
});

describe('RouteTableSync custom domains', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('attaches a verified domain and detaches a removed one within a second, and drops it with its project', async () => {
    const DOM = 'dom_01jd8x0000000000000000000a';
    const { table, transport, sync } = setup(
      new ControlledSource({ projects: [{ id: P1, slug: 'shop', productionDeploymentId: D1, aliasAt: 1 }], deployments: [{ id: D1, projectId: P1 }], domains: [] }),
    );
    await sync.onApplicationBootstrap();
    await sync.ready;
    expect(production(table, 'www.shop.example')).toBe('unknown');

    await routeEvents.domainVerified(transport, { projectId: P1, slug: 'shop', domainId: DOM, hostname: 'www.shop.example', verifiedAt: new Date().toISOString() });
    expect(await eventually(() => production(table, 'www.shop.example') === D1, 1_000)).toBeLessThan(1_000);

    await routeEvents.domainRemoved(transport, { projectId: P1, domainId: DOM, hostname: 'www.shop.example', removedAt: new Date(Date.now() + 1).toISOString() });
    await eventually(() => production(table, 'www.shop.example') === 'unknown', 1_000);

    await routeEvents.domainVerified(transport, { projectId: P1, slug: 'shop', domainId: DOM, hostname: 'shop.example', verifiedAt: new Date(Date.now() + 2).toISOString() });
    await eventually(() => production(table, 'shop.example') === D1, 1_000);
    await routeEvents.projectDeleted(transport, { projectId: P1, slug: 'shop', deletedAt: new Date().toISOString() });
    await eventually(() => production(table, 'shop.example') === 'unknown', 1_000);
    sync.onApplicationShutdown();
  });
});
