/** The local registry (scripts/services/registry.sh; scripts/test.sh exports its settings). Unset FAILS the test. */
export interface TestRegistry {
  url: string;
  username: string;
  password: string;
}

export function registryFromEnv(env: NodeJS.ProcessEnv = process.env): TestRegistry {
  const { REGISTRY_URL: url, REGISTRY_USERNAME: username, REGISTRY_PASSWORD: password } = env;
  if (!url || !username || !password) throw new Error('REGISTRY_URL/REGISTRY_USERNAME/REGISTRY_PASSWORD are unset: run scripts/services/registry.sh start and eval its env');
  return { url, username, password };
}

/** Whether the registry holds `repository@digest` (a HEAD on the manifest, with the registry's credentials). */
export async function registryHasManifest(registry: TestRegistry, repository: string, digest: string): Promise<boolean> {
  const res = await fetch(`http://${registry.url}/v2/${repository}/manifests/${digest}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  if (res.status !== 200 && res.status !== 404) throw new Error(`registry answered ${res.status}`);
  return res.status === 200;
}
