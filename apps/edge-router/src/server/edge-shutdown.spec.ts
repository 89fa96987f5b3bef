import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { startEdge, type RunningEdge } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';
import { EdgeServer } from './edge-server';

const SHOP = 'prj_01jd8x0000000000000000000a';
const V1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const GRACE_MS = 300;
/** Slack for a loaded machine; well under what the alternatives take (the download alone: 6.4 s). */
const SLACK_MS = 3_000;
/** The other module's shutdown hook: long enough that waiting for it could not pass for the grace. */
const OTHER_HOOK_MS = 5_000;
const big = randomBytes(8 * 1024 * 1024);

/** Another module whose shutdown hook takes a while (a consumer leaving its group, a flush). */
@Injectable()
class SlowToStop implements OnModuleDestroy {
  onModuleDestroy(): Promise<void> {
    return new Promise((r) => setTimeout(r, OTHER_HOOK_MS));
  }
}

/**
 * A download that would take seconds: the store hands out 64 KiB every 50 ms (a slow object
 * store, or a slow client: either holds the response open). `cut` resolves when the edge lets
 * go of it (the store stream it was piping is destroyed before its end).
 */
function slowDownload(edge: RunningEdge, port = edge.port): { firstByte: Promise<void>; cut: Promise<number> } {
  let first!: () => void;
  const firstByte = new Promise<void>((r) => (first = r));
  const cut = new Promise<number>((resolve) => {
    edge.store.getBlob = async () => {
      const stream = Readable.from(
        (async function* () {
          for (let i = 0; i < big.length; i += 64 * 1024) {
            yield big.subarray(i, i + 64 * 1024);
            await new Promise((r) => setTimeout(r, 50));
          }
        })(),
      );
      stream.once('close', () => resolve(Date.now()));
      return { stream, size: big.length };
    };
  });
  const req = httpRequest({ host: '127.0.0.1', port, path: '/big.bin', headers: { host: 'shop.localhost' } }, (res) => {
    res.once('data', () => first());
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return { firstByte, cut };
}

describe('EdgeServer shutdown grace (EDGE_SHUTDOWN_GRACE_MS)', () => {
  let edge: RunningEdge;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    const store = new InMemoryArtifactStore();
    store.putFiles(V1, { 'big.bin': big });
    edge = await startEdge({
      store,
      // Smaller than the file: it is streamed from the store.
      settings: { cacheBytes: 1024 * 1024, shutdownGraceMs: GRACE_MS },
      snapshot: { projects: [{ id: SHOP, slug: 'shop', productionDeploymentId: V1, aliasAt: 1 }], deployments: [{ id: V1, projectId: SHOP }], domains: [] },
    });
  });
  afterEach(async () => edge.close());

  it('cuts a slow download at the deadline', async () => {
    const download = slowDownload(edge);
    await download.firstByte;
    const started = Date.now();
    await edge.server.close();
    expect(Date.now() - started).toBeLessThan(GRACE_MS + SLACK_MS);
    expect((await download.cut) - started).toBeLessThan(GRACE_MS + SLACK_MS);
  });

  it('counts the grace from the first shutdown hook, not from after the other modules stopped', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [{ provide: EdgeServer, useValue: edge.server }, SlowToStop] }).compile();
    // The module starts the server itself (onApplicationBootstrap), as the app does.
    await edge.server.close();
    const app = await moduleRef.init();
    const download = slowDownload(edge, edge.server.address()!.port);
    await download.firstByte;
    const started = Date.now();
    await app.close();
    const cutAfter = (await download.cut) - started;
    // The other hook alone takes 5 s; the download is cut at the grace, while it runs.
    expect(cutAfter).toBeLessThan(GRACE_MS + SLACK_MS);
    expect(cutAfter).toBeGreaterThanOrEqual(GRACE_MS - 50);
  });
});
