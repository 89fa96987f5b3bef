import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import type { RegistryAuth } from '../images/image-builder.port';
import type { ImageRegistry } from './image-registry.port';

export interface EcrRegistryOptions {
  ecr: ECRClient;
  prefix: string;
  /** Lifecycle rule: the newest images kept per repository. */
  keepImages: number;
  /** Lifecycle rule: untagged images expire after this many days. */
  untaggedExpireDays: number;
}

/** ECR answers with a login valid for 12 hours; it is asked again this long before it expires. */
const RENEW_BEFORE_MS = 30 * 60_000;

const isNamed = (err: unknown, name: string) => (err as Error)?.name === name;

/**
 * AWS mode: one private ECR repository per project, `<prefix>/<project id>`, created on its
 * first image with immutable tags and scan on push. Its lifecycle policy (untagged images expire
 * after `untaggedExpireDays`, all but the newest `keepImages` expire) is put on the first use in
 * each process, so a crash between creating and putting it, or a changed setting, is repaired.
 * The engine's login comes from GetAuthorizationToken (cached until shortly before it expires).
 * Deleting a project deletes its repository with its images.
 */
export class EcrImageRegistry implements ImageRegistry {
  readonly kind = 'ecr' as const;
  private login?: { auth: RegistryAuth; renewAt: number };
  private readonly repositories = new Map<string, string>();

  constructor(private readonly options: EcrRegistryOptions) {}

  async host(): Promise<string> {
    return (await this.auth()).serveraddress;
  }

  async repository(projectId: string): Promise<string> {
    const name = this.name(projectId);
    const known = this.repositories.get(name);
    if (known) return known;
    let uri: string | undefined;
    try {
      uri = (await this.options.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0]?.repositoryUri;
    } catch (err) {
      if (!isNamed(err, 'RepositoryNotFoundException')) throw err;
    }
    if (!uri) {
      try {
        const created = await this.options.ecr.send(
          new CreateRepositoryCommand({
            repositoryName: name,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
            tags: [
              { Key: 'deploysphere:role', Value: 'app-images' },
              { Key: 'deploysphere:project-id', Value: projectId },
            ],
          }),
        );
        uri = created.repository?.repositoryUri;
      } catch (err) {
        // Created concurrently by another orchestrator: read it back.
        if (!isNamed(err, 'RepositoryAlreadyExistsException')) throw err;
        uri = (await this.options.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0]?.repositoryUri;
      }
    }
    if (!uri) throw new Error(`ECR returned no URI for repository ${name}`);
    await this.options.ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: JSON.stringify(this.lifecyclePolicy()) }));
    this.repositories.set(name, uri);
    return uri;
  }

  async auth(): Promise<RegistryAuth> {
    if (this.login && Date.now() < this.login.renewAt) return this.login.auth;
    const out = await this.options.ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR returned no authorization token');
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error('the ECR authorization token is not user:password');
    const auth = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: data.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/$/, '') };
    const expires = data.expiresAt?.getTime() ?? Date.now() + 12 * 3600_000;
    this.login = { auth, renewAt: expires - RENEW_BEFORE_MS };
    return auth;
  }

  async forgetProject(projectId: string): Promise<void> {
    const name = this.name(projectId);
    this.repositories.delete(name);
    await this.options.ecr.send(new DeleteRepositoryCommand({ repositoryName: name, force: true })).catch((err: unknown) => {
      if (!isNamed(err, 'RepositoryNotFoundException')) throw err;
    });
  }

  /** The lifecycle rules every project repository gets (ECR wants the `any` rule last). */
  lifecyclePolicy(): object {
    return {
      rules: [
        {
          rulePriority: 1,
          description: `expire untagged images after ${this.options.untaggedExpireDays} days`,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: this.options.untaggedExpireDays },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: `keep the newest ${this.options.keepImages} deployment images`,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: this.options.keepImages },
          action: { type: 'expire' },
        },
      ],
    };
  }

  private name(projectId: string): string {
    return `${this.options.prefix}/${projectId}`;
  }
}
