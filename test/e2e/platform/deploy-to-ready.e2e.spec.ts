import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { testDatabaseKinds } from '@deploysphere/testing';
import { builderImage, FIXTURE_SITES, tarGzDirectory } from '../../support/builds';
import { createRepository, startGitDaemon, type GitDaemon, type TestRepository } from '../../support/git-servers';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

/**
 * The README walkthrough through the API: upload a source archive or name a git ref, the
 * orchestrator builds it in a Docker container, the deployment reaches READY with its files in
 * the artifact store and (production) becomes the project's alias.
 */
describe.each(testDatabaseKinds())('upload or git → READY through the API with the docker runner (%s)', (kind) => {
  let platform: TestPlatform;
  let token: string;
  let repositories: TestRepository[] = [];
  let daemons: GitDaemon[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { BUILD_RUNNER: 'docker', BUILDER_IMAGE: await builderImage(), BUILD_QUEUE_POLL_MS: '200' });
    token = (await createTeamWithToken(platform, 'Deployers')).token;
  }, 600_000);
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.close()));
    for (const r of repositories) r.close();
    repositories = [];
    daemons = [];
    await platform?.close();
  });

  /** Uploads the fixture as a gzipped tar, or pushes it to a repository on loopback and names `main`. */
  const deploy = async (site: string, name: string, via: 'upload' | 'git' = 'upload') => {
    let gitRepositoryUrl: string | undefined;
    if (via === 'git') {
      const repository = createRepository(site);
      repositories.push(repository);
      repository.commit(readTree(join(FIXTURE_SITES, site)), `${site}: initial commit`);
      const daemon = await startGitDaemon(repository.base);
      daemons.push(daemon);
      gitRepositoryUrl = daemon.url(site);
    }
    const project = await platform.as(token).post('/v1/projects').send({ name, gitRepositoryUrl }).expect(201);
    const request = platform.as(token).post(`/v1/projects/${project.body.id}/deployments?target=PRODUCTION`);
    const created = await (via === 'git'
      ? request.send({ gitRef: 'main' })
      : request.set('Content-Type', 'application/gzip').send(await tarGzDirectory(join(FIXTURE_SITES, site)))
    ).expect(202);
    const until = Date.now() + 240_000;
    for (;;) {
      const d = await platform.as(token).get(`/v1/deployments/${created.body.id}`).expect(200);
      if (['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'].includes(d.body.status)) return { projectId: project.body.id as string, deployment: d.body };
      if (Date.now() > until) throw new Error(`still ${d.body.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it.each(['upload', 'git'] as const)('a plain static site, by %s', async (via) => {
    const { projectId, deployment } = await deploy('static-site', `Static Site ${via}`, via);
    expect(deployment).toMatchObject({ status: 'READY', source: via === 'git' ? 'GIT' : 'UPLOAD' });
    const manifest = await platform.app.get<ArtifactStore>(ARTIFACT_STORE).getManifest(deployment.id);
    expect(manifest?.files.map((f) => f.path).sort()).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect((await platform.prisma.projectAlias.findUnique({ where: { projectId } }))?.deploymentId).toBe(deployment.id);
  }, 300_000);

  it.each(['upload', 'git'] as const)('a Vite project with npm dependencies and a build step, by %s', async (via) => {
    const { deployment } = await deploy('vite-app', `Vite App ${via}`, via);
    expect(deployment).toMatchObject({ status: 'READY', source: via === 'git' ? 'GIT' : 'UPLOAD' });
    const paths = (await platform.app.get<ArtifactStore>(ARTIFACT_STORE).getManifest(deployment.id))!.files.map((f) => f.path);
    expect(paths).toContain('index.html');
    expect(paths.some((p) => p.startsWith('assets/') && p.endsWith('.js'))).toBe(true);
  }, 300_000);
});

/** Every file under `dir` as path → contents, for committing a fixture to a test repository. */
function readTree(dir: string, root = dir): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(path, root));
    else files[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return files;
}
