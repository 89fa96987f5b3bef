import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { FsArtifactStore, S3ArtifactStore } from '@deploysphere/storage';
import { describeArtifactStore } from './artifact-store.behaviour';

// One behavioural suite, run against every adapter this machine can provide.
jest.setTimeout(60_000);
const timings: string[] = [];
afterAll(() => {
  if (timings.length > 0) process.stdout.write(`\nartifact store timings:\n  ${timings.join('\n  ')}\n`);
});

// ---- fs: a temporary directory -------------------------------------------------------------
let fsRoot: string;
afterAll(async () => {
  if (fsRoot) await rm(fsRoot, { recursive: true, force: true });
});

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

describeArtifactStore(
  'fs',
  async () => {
    fsRoot = await mkdtemp(join(tmpdir(), 'ds-artifacts-'));
    const store = new FsArtifactStore(join(fsRoot, 'artifacts'));
    return {
      store,
      writeRaw: async (key, body) => {
        const path = join(store.root, ...key.split('/'));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, body);
      },
      // Includes `.tmp/`, so a leftover temp file breaks the layout check.
      listKeys: async () => (await walk(store.root)).map((p) => relative(store.root, p).split(sep).join('/')),
    };
  },
  timings,
);

// ---- s3: moto on loopback (scripts/services/moto.sh start; eval "$(scripts/services/moto.sh env)") --
const endpoint = process.env.AWS_ENDPOINT_URL;

async function motoHarness() {
  if (!endpoint) {
    throw new Error('AWS_ENDPOINT_URL is not set: start moto with scripts/services/moto.sh start and eval "$(scripts/services/moto.sh env)"');
  }
  const host = new URL(endpoint).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error(`AWS_ENDPOINT_URL must be a loopback address in tests, got ${endpoint}`);
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  // A prefix of our own in a shared bucket: runs never see each other's objects.
  const prefix = `it-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const store = new S3ArtifactStore({ bucket: 'deploysphere-it-artifacts', region: 'us-east-1', endpoint, forcePathStyle: true, prefix });
  try {
    await store.ensureBucket();
  } catch (error) {
    throw new Error(`moto is not reachable at ${endpoint} (${(error as Error).message}); start it with scripts/services/moto.sh start`);
  }
  return {
    store,
    close: () => store.close(),
    writeRaw: async (key: string, body: string) => {
      await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: store.prefix + key, Body: body }));
    },
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
    etag: async (key: string) => (await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: store.prefix + key }))).ETag,
  };
}

// The S3 suite always runs: without moto it fails with the command that starts it.
describeArtifactStore('s3 (moto)', motoHarness, timings);
