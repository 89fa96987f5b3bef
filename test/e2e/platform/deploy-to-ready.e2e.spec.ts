import { join } from 'node:path';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { testDatabaseKinds } from '@deploysphere/testing';
import { builderImage, FIXTURE_SITES, tarGzDirectory } from '../../support/builds';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

/**
 * The README walkthrough through the API: upload a source archive, the orchestrator builds it
 * in a Docker container, the deployment reaches READY with its files in the artifact store and
 * (production) becomes the project's alias.
 */
describe.each(testDatabaseKinds())('upload → READY through the API with the docker runner (%s)', (kind) => {
  let platform: TestPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { BUILD_RUNNER: 'docker', BUILDER_IMAGE: await builderImage(), BUILD_QUEUE_POLL_MS: '200' });
    token = (await createTeamWithToken(platform, 'Deployers')).token;
  }, 600_000);
  afterAll(() => platform?.close());

  const deploy = async (site: string, name: string) => {
    const project = await platform.as(token).post('/v1/projects').send({ name }).expect(201);
    const created = await platform
      .as(token)
      .post(`/v1/projects/${project.body.id}/deployments?target=PRODUCTION`)
      .set('Content-Type', 'application/gzip')
      .send(await tarGzDirectory(join(FIXTURE_SITES, site)))
      .expect(202);
    const until = Date.now() + 240_000;
    for (;;) {
      const d = await platform.as(token).get(`/v1/deployments/${created.body.id}`).expect(200);
      if (['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'].includes(d.body.status)) return { projectId: project.body.id as string, deployment: d.body };
      if (Date.now() > until) throw new Error(`still ${d.body.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('a plain static site', async () => {
    const { projectId, deployment } = await deploy('static-site', 'Static Site');
    expect(deployment).toMatchObject({ status: 'READY' });
    const manifest = await platform.app.get<ArtifactStore>(ARTIFACT_STORE).getManifest(deployment.id);
    expect(manifest?.files.map((f) => f.path).sort()).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect((await platform.prisma.projectAlias.findUnique({ where: { projectId } }))?.deploymentId).toBe(deployment.id);
  }, 300_000);

  it('a Vite project with npm dependencies and a build step', async () => {
    const { deployment } = await deploy('vite-app', 'Vite App');
    expect(deployment).toMatchObject({ status: 'READY' });
    const paths = (await platform.app.get<ArtifactStore>(ARTIFACT_STORE).getManifest(deployment.id))!.files.map((f) => f.path);
    expect(paths).toContain('index.html');
    expect(paths.some((p) => p.startsWith('assets/') && p.endsWith('.js'))).toBe(true);
  }, 300_000);
});
