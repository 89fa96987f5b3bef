import { ECRClient } from '@aws-sdk/client-ecr';
import { buildsConfig, loadDotEnv } from '@deploysphere/config';
import Docker from 'dockerode';
import { EcrBuilderImage } from './ecr-builder-image';

/**
 * node dist/apps/orchestrator/src/runner/ecs/ecr-push.cli.js <local-image> <tag>
 * Ensures ECR_REPOSITORY exists, logs in with an ECR token and pushes <local-image> as
 * <repository-uri>:<tag>; prints that reference (use it in the task definition). AWS settings come
 * from the usual SDK environment (AWS_REGION, credentials, AWS_ENDPOINT_URL).
 */
async function main(): Promise<void> {
  const [localImage, tag] = process.argv.slice(2);
  loadDotEnv();
  const repository = buildsConfig().ecs.ecrRepository;
  if (!localImage || !tag || !repository) {
    process.stderr.write('usage: ECR_REPOSITORY=<name> node ecr-push.cli.js <local-image> <tag>\n');
    process.exit(2);
  }
  const ecr = new EcrBuilderImage(new ECRClient({}));
  const { repositoryUri, created } = await ecr.ensureRepository(repository);
  process.stderr.write(`${created ? 'created' : 'using'} ECR repository ${repositoryUri}\n`);
  const login = await ecr.login();
  const docker = new Docker();
  await docker.getImage(localImage).tag({ repo: repositoryUri, tag });
  const stream = await docker.getImage(`${repositoryUri}:${tag}`).push({
    authconfig: { username: login.username, password: login.password, serveraddress: login.serverAddress },
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
      const failed = events?.find((e) => e.error);
      if (err || failed) reject(err ?? new Error(failed?.error));
      else resolve();
    }),
  );
  process.stdout.write(`${repositoryUri}:${tag}\n`);
}

main().catch((err) => {
  process.stderr.write(`ecr-push: ${(err as Error).message}\n`);
  process.exit(1);
});
