import { ECRClient } from '@aws-sdk/client-ecr';
import { Global, Logger, Module } from '@nestjs/common';
import { appsConfig, buildsConfig, type ConfigType } from '@deploysphere/config';
import { EcrImageRegistry } from './ecr-image-registry.adapter';
import { IMAGE_REGISTRY, type ImageRegistry } from './image-registry.port';
import { LocalImageRegistry } from './local-image-registry.adapter';
import { OciImageRegistry } from './oci-image-registry.adapter';

/** The registry REGISTRY_KIND names (auto: oci when REGISTRY_URL is set, else none). */
export function createImageRegistry(apps: ConfigType<typeof appsConfig>, builds: ConfigType<typeof buildsConfig>, logger = new Logger('ImageRegistry')): ImageRegistry {
  const { registry } = apps;
  switch (registry.kind) {
    case 'oci':
      logger.log({ url: registry.url, repositoryPrefix: registry.repositoryPrefix, auth: Boolean(registry.credentials) }, 'image registry: oci');
      return new OciImageRegistry({ url: registry.url!, credentials: registry.credentials, prefix: registry.repositoryPrefix });
    case 'ecr':
      logger.log({ region: builds.ecs.region, repositoryPrefix: registry.repositoryPrefix }, 'image registry: ecr');
      return new EcrImageRegistry({ ecr: new ECRClient({ region: builds.ecs.region }), prefix: registry.repositoryPrefix, keepImages: registry.keepImages, untaggedExpireDays: registry.untaggedExpireDays });
    default:
      logger.log({ repositoryPrefix: registry.repositoryPrefix }, 'image registry: none (images stay in the local engine)');
      return new LocalImageRegistry(registry.repositoryPrefix);
  }
}

@Global()
@Module({
  providers: [{ provide: IMAGE_REGISTRY, inject: [appsConfig.KEY, buildsConfig.KEY], useFactory: (apps: ConfigType<typeof appsConfig>, builds: ConfigType<typeof buildsConfig>) => createImageRegistry(apps, builds) }],
  exports: [IMAGE_REGISTRY],
})
export class RegistryModule {}
