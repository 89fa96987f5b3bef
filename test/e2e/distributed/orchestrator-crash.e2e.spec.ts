import Docker from 'dockerode';
import { tarGzOf } from '../../support/archives';
import {
  apiCall,
  BuildContainerWatch,
  createTeamToken,
  edgeGet,
  eventually,
  expectStatus,
  ProcessStack,
  tailOf,
  waitForDeployment,
} from '../../support/process-stack';

// Crash test 1: the orchestrator is killed (kill -9) while a deployment is BUILDING; a
// new orchestrator process with another ORCHESTRATOR_INSTANCE_ID takes the build over once the dead
// one's lease expires (BUILD_LEASE_SECONDS=5 here). The deployment must end (READY), never stay
// BUILDING, and must never have been built twice.
//
// What proves "built once": every build is one container (the docker runner creates
// `ds-build-<deployment>` per start; a recovered build is reattached to by its runner_ref, never
// started again), so the Docker engine's own `create`/`start` events for containers labelled with
// the deployment id are counted, from before the upload to the end. Exactly one of each means the
// build ran once, so it cannot have run twice at the same time. The build's log agrees: its first
// and last lines appear once, with gap-free numbering, although the new owner re-read the
// container's output from the first line.

jest.setTimeout(170_000);

const SLEEP_SECONDS = 12;
const BUILD = `echo "build begins"; sleep ${SLEEP_SECONDS}; mkdir -p out && cp index.html out/ && echo "build ends"`;

describe('distributed mode: the orchestrator is killed during a build', () => {
  let stack: ProcessStack;
  let containers: BuildContainerWatch;

  beforeAll(async () => {
    containers = await BuildContainerWatch.start();
    stack = await ProcessStack.start({ env: { BUILD_LEASE_SECONDS: '5' } });
  }, 170_000);

  afterAll(async () => {
    containers?.stop();
    await stack?.stop();
  }, 90_000);

  it('a new orchestrator instance takes the build over: READY, built exactly once', () =>
    stack.explain(async () => {
      const r = stack.resources;
      const api = stack.url('api');
      const token = await createTeamToken(api, r.adminToken, `Crash ${r.runId}`);
      const project = expectStatus(
        await apiCall(api, 'POST', '/v1/projects', token, { name: `Crash Site ${r.runId.replace(/[^a-z0-9]/gi, ' ')}`, buildCommand: BUILD, outputDirectory: 'out' }),
        201,
        'create project',
      ).body as { id: string; slug: string };
      const site = await tarGzOf([
        { name: './', type: 'directory' },
        { name: './index.html', content: `<!doctype html><h1>survived ${r.runId}</h1>\n` },
      ]);
      const deploymentId = expectStatus(await apiCall(api, 'POST', `/v1/projects/${project.id}/deployments?target=PRODUCTION`, token, site), 202, 'upload').body.id as string;
      const row = async () =>
        (await r.db.pool.query<{ status: string; runner_ref: string | null; orchestrator_id: string | null }>('SELECT status::text, runner_ref, orchestrator_id FROM deployments WHERE id = $1', [deploymentId])).rows[0];

      // The build runs in its container (started, its runner_ref stored).
      const first = stack.process('orchestrator');
      await eventually(async () => ((await row())?.runner_ref && containers.of(deploymentId, 'start').length > 0 ? true : undefined), 60_000, 'the build container running');
      expect(await row()).toMatchObject({ status: 'BUILDING', orchestrator_id: first.env.ORCHESTRATOR_INSTANCE_ID });

      expect(await stack.kill('orchestrator')).toEqual({ code: null, signal: 'SIGKILL' });
      const killedAt = Date.now();
      // The build outlives its orchestrator, and the row still names the dead owner.
      const containerId = containers.of(deploymentId, 'create')[0].containerId;
      expect((await new Docker().getContainer(containerId).inspect()).State.Running).toBe(true);
      expect(await row()).toMatchObject({ status: 'BUILDING', orchestrator_id: first.env.ORCHESTRATOR_INSTANCE_ID });

      // A new process, a new instance id, the same short lease.
      const second = await stack.startProcess('orchestrator', 2);
      expect(second.env.ORCHESTRATOR_INSTANCE_ID).not.toBe(first.env.ORCHESTRATOR_INSTANCE_ID);

      const done = await waitForDeployment(api, token, deploymentId, 90_000);
      const recoveredInMs = Date.now() - killedAt;
      expect(done).toMatchObject({ status: 'READY' });
      expect(await row()).toMatchObject({ status: 'READY', orchestrator_id: second.env.ORCHESTRATOR_INSTANCE_ID });
      const recovering = tailOf(second.log, 500)
        .split('\n')
        .find((l) => l.includes('recovering a build whose orchestrator is gone'));
      expect(JSON.parse(recovering!)).toMatchObject({ deploymentId, previousOwner: first.env.ORCHESTRATOR_INSTANCE_ID, recoveredBy: second.env.ORCHESTRATOR_INSTANCE_ID });
      // Lease (5 s) + the new process's start + the rest of the build + storing: well under a minute.
      expect(recoveredInMs).toBeLessThan(60_000);
      process.stdout.write(`orchestrator crash: kill -9 → READY on the new instance in ${(recoveredInMs / 1000).toFixed(1)} s (lease 5 s, build ${SLEEP_SECONDS} s)\n`);

      // Built exactly once: one container created and started for this deployment, ever.
      expect(containers.of(deploymentId, 'create')).toHaveLength(1);
      expect(containers.of(deploymentId, 'start')).toHaveLength(1);
      await eventually(async () => (containers.of(deploymentId, 'destroy').length === 1 ? true : undefined), 20_000, 'the container removed after READY');

      // The stored log: the build's first and last lines once each, numbered without gaps.
      const lines = await eventually(
        async () => {
          const items = expectStatus(await apiCall(api, 'GET', `/v1/deployments/${deploymentId}/logs?limit=1000`, token), 200, 'logs').body.items as { seq: number; message: string }[];
          return items.some((l) => l.message.startsWith('Deployment ready')) ? items : undefined;
        },
        30_000,
        'the whole build log stored (Kafka → log-ingest → ClickHouse)',
      );
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
      expect(lines.filter((l) => l.message === 'build begins')).toHaveLength(1);
      expect(lines.filter((l) => l.message === 'build ends')).toHaveLength(1);
      // Another instance recovered it, and the log says which took it over from which.
      expect(lines.filter((l) => l.message.startsWith('The orchestrator restarted during this build'))).toHaveLength(0);
      expect(
        lines.filter((l) => l.message === `Orchestrator ${first.env.ORCHESTRATOR_INSTANCE_ID} stopped during this build; orchestrator ${second.env.ORCHESTRATOR_INSTANCE_ID} took it over; it was found again and followed to its end`),
      ).toHaveLength(1);

      // And it is live.
      const served = await eventually(
        async () => {
          const res = await edgeGet(stack.process('edge-router').port, `${project.slug}.localhost`);
          return res.status === 200 ? res : undefined;
        },
        20_000,
        'the site at its subdomain',
      );
      expect(served.body).toContain(`survived ${r.runId}`);
    }));
});
