import { join, resolve } from 'node:path';
import { Test } from '@nestjs/testing';
import { ARTIFACT_STORE, type ArtifactStore } from './artifact-store.port';
import { FsArtifactStore } from './fs-artifact.store';
import { S3ArtifactStore, normalizePrefix } from './s3-artifact.store';
import { StorageModule } from './storage.module';
import { STORAGE_OPTIONS, storageOptionsFromEnv } from './storage.options';

describe('storageOptionsFromEnv', () => {
  it('uses <dataDir>/artifacts when S3_BUCKET is unset or empty', () => {
    expect(storageOptionsFromEnv({}, './data')).toEqual({ driver: 'fs', dir: join(resolve('./data'), 'artifacts') });
    expect(storageOptionsFromEnv({ S3_BUCKET: '  ' }, '/var/lib/ds')).toEqual({ driver: 'fs', dir: '/var/lib/ds/artifacts' });
  });

  it('uses S3 when S3_BUCKET is set, with defaults', () => {
    expect(storageOptionsFromEnv({ S3_BUCKET: 'my-artifacts' }, '/d')).toEqual({ driver: 's3', bucket: 'my-artifacts', region: 'us-east-1', forcePathStyle: false });
  });

  it('reads every S3 variable; a custom endpoint implies path-style unless told otherwise', () => {
    const env = { S3_BUCKET: 'b.example', S3_REGION: 'eu-west-1', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_PREFIX: '/prod/site/' };
    expect(storageOptionsFromEnv(env, '/d')).toEqual({
      driver: 's3',
      bucket: 'b.example',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      prefix: 'prod/site',
    });
    expect(storageOptionsFromEnv({ ...env, S3_FORCE_PATH_STYLE: 'false' }, '/d')).toMatchObject({ forcePathStyle: false });
    expect(storageOptionsFromEnv({ S3_BUCKET: 'bbb', S3_FORCE_PATH_STYLE: '1' }, '/d')).toMatchObject({ forcePathStyle: true });
  });

  it.each([
    [{ S3_BUCKET: 'Upper' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'ab' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'a..b' }, 'S3_BUCKET'],
    [{ S3_BUCKET: '192.168.0.1' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'bkt', S3_REGION: 'EU West' }, 'S3_REGION'],
    [{ S3_BUCKET: 'bkt', S3_ENDPOINT: 'localhost:9000' }, 'S3_ENDPOINT'],
    [{ S3_BUCKET: 'bkt', S3_ENDPOINT: 'ftp://h' }, 'S3_ENDPOINT'],
    [{ S3_BUCKET: 'bkt', S3_FORCE_PATH_STYLE: 'yes' }, 'S3_FORCE_PATH_STYLE'],
    [{ S3_BUCKET: 'bkt', S3_PREFIX: 'a/../b' }, 'S3_PREFIX'],
    [{ S3_BUCKET: 'bkt', S3_PREFIX: '///' }, 'S3_PREFIX'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_ENDPOINT'],
    [{ S3_PREFIX: 'x' }, 'S3_PREFIX'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => storageOptionsFromEnv(env, '/d')).toThrow(new RegExp(`^${name} `));
  });
});

describe('normalizePrefix', () => {
  it('trims slashes and refuses traversal', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('/a/b/')).toBe('a/b/');
    expect(() => normalizePrefix('a/../b')).toThrow(TypeError);
  });
});

describe('StorageModule', () => {
  it('provides the adapter the factory names, globally', async () => {
    const fsModule = await Test.createTestingModule({
      imports: [StorageModule.forRootAsync({ useFactory: () => storageOptionsFromEnv({}, '/tmp/ds-module-test') })],
    }).compile();
    expect(fsModule.get<ArtifactStore>(ARTIFACT_STORE)).toBeInstanceOf(FsArtifactStore);
    expect(fsModule.get(STORAGE_OPTIONS)).toEqual({ driver: 'fs', dir: '/tmp/ds-module-test/artifacts' });
    await fsModule.close();

    const TOKEN = 'BUCKET';
    const s3Module = await Test.createTestingModule({
      imports: [
        StorageModule.forRootAsync({
          imports: [{ module: class BucketModule {}, providers: [{ provide: TOKEN, useValue: 'injected-bucket' }], exports: [TOKEN] }],
          inject: [TOKEN],
          useFactory: async (bucket: string) => ({ driver: 's3' as const, bucket, region: 'eu-central-1', endpoint: 'http://127.0.0.1:1' }),
        }),
      ],
    }).compile();
    const store = s3Module.get<ArtifactStore>(ARTIFACT_STORE);
    expect(store).toBeInstanceOf(S3ArtifactStore);
    expect((store as S3ArtifactStore).bucket).toBe('injected-bucket');
    await s3Module.close(); // closes the S3 client
  });
});
