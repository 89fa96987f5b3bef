import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';

export interface RegistryLogin {
  username: string;
  password: string;
  /** https://<account>.dkr.ecr.<region>.amazonaws.com */
  serverAddress: string;
  expiresAt?: Date;
}

/**
 * The ECR side of publishing the ECS builder image (deploy/ecs/builder.Dockerfile): the
 * repository (created private, immutable tags, scan on push) and a registry login from
 * GetAuthorizationToken for `docker push`. scripts/builder-image-ecr.sh drives it.
 */
export class EcrBuilderImage {
  constructor(private readonly ecr: ECRClient) {}

  async ensureRepository(name: string): Promise<{ repositoryUri: string; created: boolean }> {
    try {
      const found = await this.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
      const uri = found.repositories?.[0]?.repositoryUri;
      if (uri) return { repositoryUri: uri, created: false };
    } catch (err) {
      if (!(err instanceof RepositoryNotFoundException) && (err as Error).name !== 'RepositoryNotFoundException') throw err;
    }
    const created = await this.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        tags: [{ Key: 'deploysphere:role', Value: 'builder-image' }],
      }),
    );
    const uri = created.repository?.repositoryUri;
    if (!uri) throw new Error(`ECR did not return a URI for repository ${name}`);
    return { repositoryUri: uri, created: true };
  }

  async login(): Promise<RegistryLogin> {
    const out = await this.ecr.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR returned no authorization token');
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error('ECR authorization token is not user:password');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serverAddress: data.proxyEndpoint, expiresAt: data.expiresAt };
  }
}
