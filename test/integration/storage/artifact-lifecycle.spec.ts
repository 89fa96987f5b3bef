import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { newId } from '@deploysphere/common';
import { PostgresDeploymentRepository } from '@deploysphere/deployments';
import { OutboxWriter } from '@deploysphere/messaging';
import { FsArtifactStore, S3ArtifactStore, type ArtifactStore, type ContentAddressedArtifactStore } from '@deploysphere/storage';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@deploysphere/testing';
import { ArtifactJanitor } from '../../../apps/orchestrator/src/artifacts/artifact-janitor.service';
import { BlobReferences } from '../../../apps/orchestrator/src/artifacts/blob-references.repository';
import { motoEndpoint } from '../../support/moto';
import { eventually, seedProject } from '../../support/orchestrator';

jest.setTimeout(120_000);

/** The blob's size, its stream closed (an unread stream would hold a file open). */
async function blobOf(store: ArtifactStore, digest: string): Promise<number> {
  const body = await store.getBlob(digest);
  body.stream.destroy();
  return body.size;
}

async function objectOf(store: ArtifactStore, key: string): Promise<number | undefined> {
  const body = await store.getObject(key);
  body?.stream.destroy();
  return body?.size;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const RETENTION_MS = 72 * 3_600_000;

interface StoreUnderTest {
  store: ContentAddressedArtifactStore;
  listKeys(): Promise<string[]>;
  close(): Promise<void>;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function fsStore(): Promise<StoreUnderTest> {
  const root = await mkdtemp(join(tmpdir(), 'ds-lifecycle-'));
  const store = new FsArtifactStore(join(root, 'artifacts'));
  return {
    store,
    listKeys: async () => (await walk(store.root)).map((p) => relative(store.root, p).split(sep).join('/')),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Store(): Promise<StoreUnderTest> {
  const endpoint = await motoEndpoint();
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  // A prefix of its own in a shared bucket: nothing of another run or test is listed.
  const prefix = `lifecycle-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const store = new S3ArtifactStore({ bucket: 'deploysphere-it-artifacts', region: 'us-east-1', endpoint, forcePathStyle: true, prefix });
  await store.ensureBucket();
  return {
    store,
    listKeys: async () => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) keys.push(o.Key!.slice(store.prefix.length));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
    close: async () => store.close(),
  };
}

/** What a test sees of the platform: the database, the store, and the orchestrator's two artifact classes. */
class World {
  readonly dirs: string[] = [];
  readonly references: BlobReferences;
  readonly janitor: ArtifactJanitor;

  constructor(
    readonly db: TestDatabase,
    readonly s: StoreUnderTest,
    janitorStore: ArtifactStore = s.store,
  ) {
    this.references = new BlobReferences(db.prisma);
    const deployments = new PostgresDeploymentRepository(db.prisma, new OutboxWriter(db.prisma));
    this.janitor = new ArtifactJanitor(this.references, deployments, janitorStore, { retentionMs: RETENTION_MS } as never);
  }

  async site(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'ds-lifecycle-site-'));
    this.dirs.push(dir);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  }

  /** A READY deployment of `projectId`, stored the way the build pipeline stores it, with its uploaded source archive. */
  async deploy(projectId: string, files: Record<string, string>, finishedAt = new Date()): Promise<string> {
    const id = newId('dpl');
    const sourceKey = `${id}.tar.gz`;
    await this.s.store.putObject(sourceKey, Readable.from([Buffer.from(`archive of ${id}: .env SECRET=${id}`)]));
    await this.db.prisma.deployment.create({ data: { id, projectId, target: 'PRODUCTION', source: 'UPLOAD', sourceKey, status: 'BUILDING' } });
    const stored = await this.s.store.putDeployment(id, await this.site(files), { reserve: (digests) => this.references.reserve(id, digests) });
    await this.db.prisma.deployment.update({ where: { id }, data: { status: 'READY', artifactManifestKey: stored.manifestKey, readyAt: finishedAt, finishedAt } });
    return id;
  }

  async refsOf(deploymentId: string): Promise<string[]> {
    return (await this.db.prisma.artifactBlobRef.findMany({ where: { deploymentId } })).map((r) => r.sha256).sort();
  }

  async close(): Promise<void> {
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** Every key of one deployment in the layout (manifest and source archive). */
const ownKeys = (id: string) => [`deployments/${id}/manifest.json`, `sources/${id}.tar.gz`];

const stores: Array<[string, () => Promise<StoreUnderTest>, TestDatabaseKind]> = [
  ['fs', fsStore, 'postgres'],
  ['s3 (moto)', s3Store, 'postgres'],
  // The purge queue is a trigger: the embedded database runs it too.
  ['fs on embedded PGlite', fsStore, 'pglite'],
];

describe.each(stores)('artifact lifecycle: %s', (_name, makeStore, dbKind) => {
  let db: TestDatabase;
  let s: StoreUnderTest;
  let w: World;

  beforeAll(async () => {
    db = await createTestDatabase(dbKind);
    s = await makeStore();
    w = new World(db, s);
  });
  afterAll(async () => {
    await w?.close();
    await s?.close();
    await db?.close();
  });

  it('deleting a project removes its manifests, source archives and unshared blobs; a project sharing blobs keeps all of its own', async () => {
    const run = randomBytes(4).toString('hex');
    const [a, b] = [await seedProject(db.prisma), await seedProject(db.prisma)];
    const a1 = await w.deploy(a, { 'index.html': `shared-${run}`, 'a.js': `a1-only-${run}` });
    const a2 = await w.deploy(a, { 'index.html': `shared-${run}`, 'lib.js': `a-and-b-${run}`, 'x.css': `a2-only-${run}` });
    const b1 = await w.deploy(b, { 'index.html': `shared-${run}`, 'lib.js': `a-and-b-${run}`, 'b.txt': `b1-only-${run}` });
    const before = await s.listKeys();
    for (const id of [a1, a2, b1]) expect(before).toEqual(expect.arrayContaining(ownKeys(id)));

    await db.prisma.project.delete({ where: { id: a } });
    expect((await db.prisma.artifactPurge.findMany()).map((p) => p.deploymentId).sort()).toEqual([a1, a2].sort());
    const pass = await w.janitor.run();

    expect(pass.purged.sort()).toEqual([a1, a2].sort());
    expect(pass.blobsDeleted).toBe(2);
    const gone = [...ownKeys(a1), ...ownKeys(a2), `blobs/${sha(`a1-only-${run}`)}`, `blobs/${sha(`a2-only-${run}`)}`];
    expect((await s.listKeys()).sort()).toEqual(before.filter((k) => !gone.includes(k)).sort());
    // Nothing of the deleted project remains: no key names its deployments, no byte of theirs alone.
    expect((await s.listKeys()).filter((k) => k.includes(a1) || k.includes(a2))).toEqual([]);
    // The other project serves every file as before.
    const manifest = (await s.store.getManifest(b1))!;
    for (const f of manifest.files) await expect(blobOf(s.store, f.sha256)).resolves.toBe(f.size);
    await expect(objectOf(s.store, `${b1}.tar.gz`)).resolves.toBeDefined();
    expect(await w.refsOf(a1)).toEqual([]);
    expect(await w.refsOf(a2)).toEqual([]);
    expect(await w.refsOf(b1)).toEqual([sha(`shared-${run}`), sha(`a-and-b-${run}`), sha(`b1-only-${run}`)].sort());
    expect(await db.prisma.artifactPurge.count()).toBe(0);

    // A second pass finds nothing to do and changes nothing.
    await expect(w.janitor.run()).resolves.toMatchObject({ purged: [], pending: [], blobsDeleted: 0 });
    expect((await s.listKeys()).sort()).toEqual(before.filter((k) => !gone.includes(k)).sort());
  });

  it('a deployment stored before references were recorded keeps its blobs when another project sharing them is deleted', async () => {
    const run = randomBytes(4).toString('hex');
    const fresh = new World(db, s);
    const [old, other] = [await seedProject(db.prisma), await seedProject(db.prisma)];
    const legacy = await fresh.deploy(old, { 'index.html': `legacy-${run}` });
    // As if written before the references table existed.
    await db.prisma.artifactBlobRef.deleteMany({ where: { deploymentId: legacy } });
    const doomed = await fresh.deploy(other, { 'index.html': `legacy-${run}`, 'only.txt': `doomed-${run}` });
    await db.prisma.project.delete({ where: { id: other } });

    await fresh.janitor.run();
    await expect(blobOf(s.store, sha(`legacy-${run}`))).resolves.toBeDefined();
    await expect(blobOf(s.store, sha(`doomed-${run}`))).rejects.toThrow();
    expect(await fresh.refsOf(legacy)).toEqual([sha(`legacy-${run}`)]);
    expect(await s.store.getManifest(doomed)).toBeUndefined();
    await fresh.close();
  });

  // Embedded PGlite has one connection: a build's transaction cannot even start while a purge's is open.
  const concurrently = dbKind === 'postgres' ? it : () => undefined;

  concurrently('a build reusing a blob that a purge is deleting waits, then stores it again: its manifest never names a missing blob', async () => {
    const run = randomBytes(4).toString('hex');
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let deleting = false;
    // The janitor's store pauses inside the purge's transaction, with the blob's lock held.
    const paused: ArtifactStore = Object.assign(Object.create(s.store) as ArtifactStore, {
      deleteBlobs: async (digests: string[]) => {
        deleting = true;
        await gate;
        await s.store.deleteBlobs(digests);
      },
    });
    const gated = new World(db, s, paused);
    const [a, b] = [await seedProject(db.prisma), await seedProject(db.prisma)];
    await gated.deploy(a, { 'index.html': `contested-${run}` });
    await db.prisma.project.delete({ where: { id: a } });
    const pass = gated.janitor.run();
    await eventually(() => deleting, 30_000, 'the purge to reach the blob deletion');

    const id = newId('dpl');
    await db.prisma.deployment.create({ data: { id, projectId: b, target: 'PRODUCTION', source: 'UPLOAD', status: 'UPLOADING' } });
    let stored = false;
    const build = s.store.putDeployment(id, await gated.site({ 'index.html': `contested-${run}` }), { reserve: (d) => gated.references.reserve(id, d) }).then((r) => {
      stored = true;
      return r;
    });
    // The build's reservation waits on the blob's lock (seen in pg_stat_activity), not on a timer.
    await eventually(async () => (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`)).rowCount, 30_000, 'the build to wait for the lock');
    expect(stored).toBe(false);
    openGate();
    await expect(pass).resolves.toMatchObject({ blobsDeleted: 1 });
    const result = await build;
    expect(result.uploadedBlobs).toBe(1);
    await expect(blobOf(s.store, sha(`contested-${run}`))).resolves.toBeDefined();
    expect(await gated.refsOf(id)).toEqual([sha(`contested-${run}`)]);
    await gated.close();
  });

  it('a purge keeps a blob whose reference a concurrent build recorded first', async () => {
    const run = randomBytes(4).toString('hex');
    const [a, b] = [await seedProject(db.prisma), await seedProject(db.prisma)];
    await w.deploy(a, { 'index.html': `raced-${run}`, 'a.txt': `a-${run}` });
    const id = newId('dpl');
    await db.prisma.deployment.create({ data: { id, projectId: b, target: 'PRODUCTION', source: 'UPLOAD', status: 'UPLOADING' } });
    // The build has reserved (and found the blob present) but not yet written its manifest.
    await w.references.reserve(id, [sha(`raced-${run}`)]);
    await db.prisma.project.delete({ where: { id: a } });
    await w.janitor.run();
    await expect(blobOf(s.store, sha(`raced-${run}`))).resolves.toBeDefined();
    await expect(blobOf(s.store, sha(`a-${run}`))).rejects.toThrow();
  });

  it('a purge that fails half-way keeps the references and its queue row; the next pass finishes it', async () => {
    const run = randomBytes(4).toString('hex');
    let failures = 1;
    const flaky: ArtifactStore = Object.assign(Object.create(s.store) as ArtifactStore, {
      deleteBlobs: async (digests: string[]) => {
        if (failures-- > 0) throw new Error('store unreachable');
        await s.store.deleteBlobs(digests);
      },
    });
    const crashy = new World(db, s, flaky);
    const p = await seedProject(db.prisma);
    const id = await crashy.deploy(p, { 'index.html': `crash-${run}` });
    await db.prisma.project.delete({ where: { id: p } });

    await expect(crashy.janitor.run()).rejects.toThrow('store unreachable');
    expect(await crashy.refsOf(id)).toEqual([sha(`crash-${run}`)]);
    expect(await db.prisma.artifactPurge.findUnique({ where: { deploymentId: id } })).not.toBeNull();
    await expect(blobOf(s.store, sha(`crash-${run}`))).resolves.toBeDefined();

    await expect(crashy.janitor.run()).resolves.toMatchObject({ purged: [id], blobsDeleted: 1 });
    await expect(blobOf(s.store, sha(`crash-${run}`))).rejects.toThrow();
    expect(await crashy.refsOf(id)).toEqual([]);
    expect((await s.listKeys()).filter((k) => k.includes(id))).toEqual([]);
    await crashy.close();
  });

  it(`removes the source archives of deployments that ended more than the retention ago, and no other`, async () => {
    const run = randomBytes(4).toString('hex');
    const p = await seedProject(db.prisma);
    const now = new Date();
    const expired = await w.deploy(p, { 'a.txt': `exp-${run}` }, new Date(now.getTime() - RETENTION_MS - 60_000));
    const recent = await w.deploy(p, { 'a.txt': `rec-${run}` }, new Date(now.getTime() - RETENTION_MS + 60_000));
    const queued = newId('dpl');
    await s.store.putObject(`${queued}.tar.gz`, Readable.from([Buffer.from('queued')]));
    await db.prisma.deployment.create({ data: { id: queued, projectId: p, target: 'PRODUCTION', source: 'UPLOAD', sourceKey: `${queued}.tar.gz`, createdAt: new Date(0) } });

    const pass = await w.janitor.run(now);
    expect(pass.sourcesExpired).toBe(1);
    await expect(objectOf(s.store, `${expired}.tar.gz`)).resolves.toBeUndefined();
    expect((await db.prisma.deployment.findUniqueOrThrow({ where: { id: expired } })).sourceKey).toBeNull();
    // The deployment itself is untouched: its site is still served.
    await expect(s.store.getManifest(expired)).resolves.toBeDefined();
    await expect(objectOf(s.store, `${recent}.tar.gz`)).resolves.toBeDefined();
    await expect(objectOf(s.store, `${queued}.tar.gz`)).resolves.toBeDefined();
    await expect(w.janitor.run(now)).resolves.toMatchObject({ sourcesExpired: 0 });
  });
});
