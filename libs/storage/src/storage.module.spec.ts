import { Test } from '@nestjs/testing';
import { ARTIFACT_STORE, type ArtifactStore } from './artifact-store.port';
import { FsArtifactStore } from './fs-artifact.store';
import { S3ArtifactStore, normalizePrefix } from './s3-artifact.store';
import { StorageModule } from './storage.module';
import { STORAGE_OPTIONS } from './storage.options';

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
      imports: [StorageModule.forRootAsync({ useFactory: () => ({ driver: 'fs' as const, dir: '/tmp/ds-module-test/artifacts' }) })],
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
