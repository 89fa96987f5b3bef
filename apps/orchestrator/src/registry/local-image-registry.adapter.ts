import type { RegistryAuth } from '../images/image-builder.port';
import type { ImageRegistry } from './image-registry.port';

/**
 * No registry (embedded mode): images stay in the local engine's image store under
 * `<prefix>/<project id>`, where the docker app runtime of the same engine runs them. The image
 * builder removes them when the project goes.
 */
export class LocalImageRegistry implements ImageRegistry {
  readonly kind = 'none' as const;

  constructor(private readonly prefix: string) {}

  async host(): Promise<string | undefined> {
    return undefined;
  }

  async repository(projectId: string): Promise<string> {
    return `${this.prefix}/${projectId}`;
  }

  async auth(): Promise<RegistryAuth | undefined> {
    return undefined;
  }

  async forgetProject(): Promise<void> {}
}
