import { CreateRepositoryCommand, DescribeImagesCommand, DescribeRepositoriesCommand, GetLifecyclePolicyCommand, PutImageCommand } from '@aws-sdk/client-ecr';
import Docker from 'dockerode';
import { newId } from '@deploysphere/common';
import { EcrImageRegistry } from '../../../apps/orchestrator/src/registry/ecr-image-registry.adapter';
import { OciImageRegistry } from '../../../apps/orchestrator/src/registry/oci-image-registry.adapter';
import { motoAws } from '../../support/moto';
import { registryFromEnv, registryHasManifest } from '../../support/registry';

// The registry adapters: ECR's API against moto (which stores no image layers: the push itself
// is proven against the real local registry below), and the OCI adapter against the real
// distribution server.

describe('EcrImageRegistry against moto', () => {
  it('creates a project repository once (immutable tags, scan on push, lifecycle rule), logs in, deletes it with the project', async () => {
    const aws = await motoAws();
    const registry = new EcrImageRegistry({ ecr: aws.ecr, prefix: `ds-test-${Date.now()}`, keepImages: 7, untaggedExpireDays: 2 });
    const projectId = newId('prj');
    const uri = await registry.repository(projectId);
    expect(uri).toMatch(new RegExp(`\\.dkr\\.ecr\\.${aws.region}\\.amazonaws\\.com/ds-test-\\d+/${projectId}$`));
    // A second orchestrator (no cache) finds the same repository instead of failing.
    const other = new EcrImageRegistry({ ecr: aws.ecr, prefix: uri.split('/').slice(1, -1).join('/'), keepImages: 7, untaggedExpireDays: 2 });
    expect(await other.repository(projectId)).toBe(uri);
    const name = uri.split('/').slice(1).join('/');
    const [repo] = (await aws.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories!;
    expect(repo).toMatchObject({ imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
    const policy = await aws.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(JSON.parse(policy.lifecyclePolicyText!)).toEqual({
      rules: [
        { rulePriority: 1, description: 'expire untagged images after 2 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 2 }, action: { type: 'expire' } },
        { rulePriority: 2, description: 'keep the newest 7 deployment images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 7 }, action: { type: 'expire' } },
      ],
    });

    const auth = await registry.auth();
    expect(auth.serveraddress).toMatch(/^\d+\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$/);
    expect(auth.username).toBe('AWS');
    expect(auth.password.length).toBeGreaterThan(0);
    expect(await registry.host()).toBe(auth.serveraddress);

    await registry.forgetProject(projectId);
    await expect(aws.ecr.send(new DescribeImagesCommand({ repositoryName: name }))).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
    await registry.forgetProject(projectId); // idempotent
  });
});

describe('EcrImageRegistry repairs and removes', () => {
  it('puts the lifecycle policy on a repository created without one (a crash between the two calls), and the project deletion takes its images', async () => {
    const aws = await motoAws();
    const prefix = `ds-test-${Date.now()}`;
    const projectId = newId('prj');
    const name = `${prefix}/${projectId}`;
    await aws.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    await expect(aws.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }))).rejects.toMatchObject({ name: 'LifecyclePolicyNotFoundException' });
    const registry = new EcrImageRegistry({ ecr: aws.ecr, prefix, keepImages: 3, untaggedExpireDays: 1 });
    await registry.repository(projectId);
    const policy = JSON.parse((await aws.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }))).lifecyclePolicyText!) as { rules: Array<{ selection: { tagStatus: string } }> };
    expect(policy.rules.map((r) => r.selection.tagStatus)).toEqual(['untagged', 'any']);

    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: `sha256:${'1'.repeat(64)}` },
      layers: [],
    });
    await aws.ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: manifest, imageTag: newId('dpl') }));
    expect((await aws.ecr.send(new DescribeImagesCommand({ repositoryName: name }))).imageDetails).toHaveLength(1);
    await registry.forgetProject(projectId);
    await expect(aws.ecr.send(new DescribeImagesCommand({ repositoryName: name }))).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  });
});

describe('OciImageRegistry against the local registry', () => {
  const docker = new Docker();

  it('names a repository per project, gives the engine its credentials, and deletes the project\'s manifests', async () => {
    const env = registryFromEnv();
    const registry = new OciImageRegistry({ url: env.url, credentials: { username: env.username, password: env.password }, prefix: 'ds-oci-test' });
    const projectId = newId('prj');
    const repository = await registry.repository(projectId);
    expect(repository).toBe(`${env.url}/ds-oci-test/${projectId}`);
    const auth = (await registry.auth())!;
    expect(auth).toEqual({ username: env.username, password: env.password, serveraddress: env.url });

    const tag = `${repository}:${newId('dpl')}`;
    await docker.getImage('deploysphere/runtime-node:24').tag({ repo: repository, tag: tag.split(':').pop()! });
    try {
      const stream = (await docker.getImage(tag).push({ authconfig: auth } as never)) as unknown as NodeJS.ReadableStream;
      const out = await new Promise<string>((resolve, reject) => {
        let text = '';
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
      const digest = /"Digest":"(sha256:[0-9a-f]{64})"/.exec(out)?.[1];
      expect(digest).toBeDefined();
      expect(await registryHasManifest(env, `ds-oci-test/${projectId}`, digest!)).toBe(true);
      await registry.forgetProject(projectId);
      expect(await registryHasManifest(env, `ds-oci-test/${projectId}`, digest!)).toBe(false);
      await registry.forgetProject(projectId);
    } finally {
      await docker.getImage(tag).remove().catch(() => undefined);
    }
  }, 600_000);

  it('a wrong password is refused by the registry (auth is on)', async () => {
    const env = registryFromEnv();
    const registry = new OciImageRegistry({ url: env.url, credentials: { username: env.username, password: 'wrong' }, prefix: 'ds-oci-test' });
    await expect(registry.forgetProject(newId('prj'))).rejects.toThrow(/401/);
  });
});
