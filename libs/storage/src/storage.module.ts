import { Global, Inject, Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type OnApplicationShutdown } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from './artifact-store.port';
import { FsArtifactStore } from './fs-artifact.store';
import { S3ArtifactStore } from './s3-artifact.store';
import { STORAGE_OPTIONS, type StorageOptions } from './storage.options';

/** Builds the adapter a StorageOptions value names. */
export function createArtifactStore(options: StorageOptions): FsArtifactStore | S3ArtifactStore {
  switch (options.driver) {
    case 'fs':
      return new FsArtifactStore(options.dir);
    case 's3':
      return new S3ArtifactStore(options);
    default:
      throw new Error(`unknown storage driver ${JSON.stringify((options as { driver?: unknown }).driver)}`);
  }
}

export interface StorageModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: any[]) => StorageOptions | Promise<StorageOptions>;
}

class StorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ARTIFACT_STORE) private readonly store: ArtifactStore) {}
  onApplicationShutdown(): void {
    // The S3 client keeps sockets open; the fs store holds nothing between calls.
    if (this.store instanceof S3ArtifactStore) this.store.close();
  }
}

/** Provides ARTIFACT_STORE (and STORAGE_OPTIONS) to the whole application. */
@Global()
@Module({})
export class StorageModule {
  static forRootAsync(options: StorageModuleAsyncOptions): DynamicModule {
    return {
      module: StorageModule,
      imports: options.imports ?? [],
      providers: [
        { provide: STORAGE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: ARTIFACT_STORE, inject: [STORAGE_OPTIONS], useFactory: (o: StorageOptions): ArtifactStore => createArtifactStore(o) },
        StorageLifecycle,
      ],
      exports: [ARTIFACT_STORE, STORAGE_OPTIONS],
    };
  }
}
