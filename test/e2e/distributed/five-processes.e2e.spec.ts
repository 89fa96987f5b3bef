import { createClient } from '@clickhouse/client';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import { tarGzOf } from '../../support/archives';
import {
  apiCall,
  artifactObjects,
  BuildContainerWatch,
  createTeamToken,
  edgeGet,
  eventually,
  expectStatus,
  isAlive,
  LauncherStack,
  waitForDeployment,
  watchLogs,
  type LogWatch,
} from '../../support/process-stack';

// Distributed mode: the five apps as five OS processes, started by the one command a
// user runs (`npm run start:distributed` → scripts/distributed/start.js, here given this run's
// scratch services through its environment), against PostgreSQL, Kafka, Redis, ClickHouse, S3
// (moto) and the Docker runner. A site is uploaded through the api, built by the orchestrator in a
// container, watched live through the gateway, searched through the api (the lines went
// orchestrator → Kafka → log-ingest → ClickHouse), and served by the edge router. Then Ctrl-C stops
// every process.

jest.setTimeout(170_000);

const MARKER = 'five-processes build step ran';

describe('distributed mode: five OS processes from the launcher', () => {
  let stack: LauncherStack;
  let containers: BuildContainerWatch;
  const watches: LogWatch[] = [];

  beforeAll(async () => {
    containers = await BuildContainerWatch.start();
    stack = await LauncherStack.start();
  }, 170_000);

  afterAll(async () => {
    watches.forEach((w) => w.close());
    containers?.stop();
    await stack?.stop();
  }, 90_000);

  it('runs each app as its own process', () => {
    expect(stack.processes.map((p) => p.app).sort()).toEqual(['api', 'edge-router', 'gateway', 'log-ingest', 'orchestrator']);
    const pids = stack.processes.map((p) => p.pid);
    expect(new Set(pids).size).toBe(5);
    expect(pids.every(isAlive)).toBe(true);
    expect(stack.process('orchestrator').instanceId).toMatch(/-orchestrator-1$/);
  });

  it('uploads a site, builds it in a container, streams, stores and searches its logs, and serves it at its subdomain and preview URL', () =>
    stack.explain(async () => {
      const r = stack.resources;
      const api = stack.url('api');
      const token = await createTeamToken(api, r.adminToken, `Five ${r.runId}`);
      const project = expectStatus(
        await apiCall(api, 'POST', '/v1/projects', token, {
          name: `Five Procs ${r.runId.replace(/[^a-z0-9]/gi, ' ')}`,
          buildCommand: `echo "${MARKER}"; mkdir -p out && cp index.html about.html out/`,
          outputDirectory: 'out',
        }),
        201,
        'create project',
      ).body as { id: string; slug: string };
      const site = await tarGzOf([
        { name: './', type: 'directory' },
        { name: './index.html', content: `<!doctype html><h1>served by the edge process ${r.runId}</h1>\n` },
        { name: './about.html', content: '<!doctype html><h1>about</h1>\n' },
      ]);
      const deployment = expectStatus(await apiCall(api, 'POST', `/v1/projects/${project.id}/deployments?target=PRODUCTION`, token, site), 202, 'upload').body as { id: string };

      // A Socket.IO client of the gateway process, subscribed from the first line.
      const live = await watchLogs(stack.url('gateway'), token, deployment.id);
      watches.push(live);

      const done = await waitForDeployment(api, token, deployment.id, 120_000);
      expect(done).toMatchObject({ status: 'READY' });

      // Live: every line once and in order, the end of the stream, the status changes.
      await eventually(async () => live.end, 30_000, 'logs:end on the gateway');
      expect(live.end).toEqual({ lastSeq: live.end!.lastSeq, status: 'READY' });
      expect(live.lines.map((l) => l.seq)).toEqual(Array.from({ length: live.end!.lastSeq }, (_, i) => i + 1));
      expect(live.lines.map((l) => l.message)).toContain(MARKER);
      await eventually(async () => (live.statuses.includes('READY') ? true : undefined), 15_000, 'the READY status event on the gateway');

      // Stored: the same lines through the api (the store is ClickHouse), and the rows in ClickHouse itself.
      const found = await eventually(
        async () => {
          const res = expectStatus(await apiCall(api, 'GET', `/v1/deployments/${deployment.id}/logs?limit=1000&q=${encodeURIComponent('five-processes build')}`, token), 200, 'search');
          return res.body.items.length > 0 ? (res.body.items as { seq: number; message: string }[]) : undefined;
        },
        30_000,
        'the marker line searchable through the api',
      );
      expect(found.map((l) => l.message)).toEqual([MARKER]);
      const all = await eventually(
        async () => {
          const res = expectStatus(await apiCall(api, 'GET', `/v1/deployments/${deployment.id}/logs?limit=1000`, token), 200, 'logs');
          return res.body.items.length === live.end!.lastSeq ? (res.body.items as { seq: number; message: string }[]) : undefined;
        },
        30_000,
        'every line stored',
      );
      expect(all.map((l) => l.message)).toEqual(live.lines.map((l) => l.message));
      const ch = createClient({ url: r.clickhouse.url });
      try {
        // The api answers through the live buffer too, so ClickHouse may still be inserting the tail.
        await eventually(
          async () => {
            const rows = await (
              await ch.query({ query: `SELECT count() AS n FROM ${r.clickhouse.database}.build_log_lines WHERE deployment_id = '${deployment.id}'`, format: 'JSONEachRow' })
            ).json<{ n: string }>();
            return Number(rows[0].n) >= live.end!.lastSeq || undefined;
          },
          30_000,
          'every line in ClickHouse',
        );
      } finally {
        await ch.close();
      }

      // Served by the edge router process: the production alias and the immutable preview URL.
      const edgePort = stack.process('edge-router').port;
      const home = await eventually(
        async () => {
          const res = await edgeGet(edgePort, `${project.slug}.localhost`, '/');
          return res.status === 200 ? res : undefined;
        },
        20_000,
        'the site at its subdomain',
      );
      expect(home.body).toContain(`served by the edge process ${r.runId}`);
      expect(home.deployment).toBe(deployment.id);
      const preview = await edgeGet(edgePort, `${deployment.id.slice(4)}-${project.slug}.localhost`, '/about.html');
      expect(preview).toMatchObject({ status: 200, deployment: deployment.id });
      expect(preview.body).toContain('about');

      // Artifacts and the uploaded source are objects in the run's moto bucket.
      const artifacts = await artifactObjects(r, deployment.id);
      expect(artifacts.files.map((f) => f.path).sort()).toEqual(['about.html', 'index.html']);
      expect(artifacts.missingBlobs).toEqual([]);
      const sources = await r.s3.send(new ListObjectsV2Command({ Bucket: r.bucket, Prefix: 'sources/' }));
      expect(sources.KeyCount).toBe(1);

      // Built once, in one container; the events went over this run's own topics.
      expect(containers.of(deployment.id, 'create')).toHaveLength(1);
      const admin = new Kafka({ clientId: `ds-test-inspect-${r.runId}`, brokers: r.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(`${r.kafka.prefix}deployments.requested.v1`);
        expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(1);
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(r.kafka.prefix));
        expect(groups.length).toBeGreaterThanOrEqual(3); // orchestrator, log-ingest, gateway, edge…
      } finally {
        await admin.disconnect();
      }
    }));

  it('Ctrl-C stops every process and the launcher exits 0', () =>
    stack.explain(async () => {
      const exit = await stack.interrupt();
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stack.processes.filter((p) => isAlive(p.pid)).map((p) => p.name)).toEqual([]);
    }));
});
