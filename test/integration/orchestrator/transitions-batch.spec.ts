import { Client } from 'pg';
import { newId } from '@deploysphere/common';
import type { TestDatabaseKind } from '@deploysphere/testing';
import { FakeRunner } from '../../support/fake-runner';
import { eventsOf, OrchestratorWorld, seedProject, setEnvVar, type TestOrchestrator } from '../../support/orchestrator';
import { BuildEnvironment } from '../../../apps/orchestrator/src/builds/build-environment';
import { DeploymentTransitions, type BuildContext } from '../../../apps/orchestrator/src/builds/deployment-transitions';

const INSTANCE = 'orch-batch-test';

/**
 * A deployment this instance is building (as a claim leaves it), with a lease far ahead; created
 * BUILDING, so the scheduler never sees it QUEUED.
 */
async function building(orch: TestOrchestrator, target: 'PREVIEW' | 'PRODUCTION' = 'PREVIEW'): Promise<BuildContext> {
  const projectId = await seedProject(orch.prisma);
  const id = newId('dpl');
  const d = await orch.prisma.deployment.create({
    data: {
      id, projectId, target, source: 'UPLOAD', sourceKey: 'static-site',
      status: 'BUILDING', buildingAt: new Date(), orchestratorId: INSTANCE, leaseExpiresAt: new Date(Date.now() + 3_600_000), correlationId: `corr-${id}`,
    },
  });
  const project = await orch.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
  return { id, projectId, slug: project.slug, target, createdAt: d.createdAt, correlationId: d.correlationId! };
}

/**
 * The group-committed transitions (BUILDING → UPLOADING, UPLOADING → READY for previews): many
 * concurrent builds' transitions go to the database in one statement each batch, and each row
 * still moves only when it is in the expected status and owned by this instance, with exactly its
 * own events, in order.
 */
describe.each<TestDatabaseKind>(['postgres', 'pglite'])('batched lifecycle writes and env reads (%s)', (kind) => {
  let world: OrchestratorWorld;
  let orch: TestOrchestrator;
  let transitions: DeploymentTransitions;

  beforeAll(async () => {
    world = new OrchestratorWorld(kind);
    orch = await world.start({ runner: new FakeRunner(), env: { ORCHESTRATOR_INSTANCE_ID: INSTANCE } });
    transitions = orch.app.get(DeploymentTransitions);
  }, 60_000);
  afterAll(() => world?.close());

  it('moves concurrent builds together; a row canceled or taken over meanwhile does not move and gets no event', async () => {
    const ctxs = await Promise.all(Array.from({ length: 12 }, () => building(orch)));
    const [canceled, takenOver] = ctxs;
    await orch.prisma.deployment.update({ where: { id: canceled.id }, data: { status: 'CANCELED', finishedAt: new Date(), failureCode: 'CANCELED' } });
    await orch.prisma.deployment.update({ where: { id: takenOver.id }, data: { orchestratorId: 'another-instance' } });

    // Submitted in one turn of the event loop: one statement for all twelve.
    const raw = jest.spyOn(orch.prisma, 'query');
    const succeeded = await Promise.all(ctxs.map((ctx) => transitions.buildSucceeded(ctx, { runner: 'process', durationMs: 1234.4 })));
    // (Other statements go through query() too.)
    const batches = raw.mock.calls.filter(([sql]) => sql.text.includes('UPDATE deployments d SET'));
    expect(batches).toHaveLength(1);
    raw.mockRestore();
    expect(succeeded).toEqual(ctxs.map((c) => c !== canceled && c !== takenOver));

    const moved = ctxs.slice(2);
    const ready = await Promise.all(moved.map((ctx, i) => transitions.ready(ctx, `deployments/${ctx.id}/manifest-${i}.json`)));
    expect(ready).toEqual(moved.map(() => ({ aliasMoved: false })));

    for (const [i, ctx] of moved.entries()) {
      const d = await orch.prisma.deployment.findUniqueOrThrow({ where: { id: ctx.id } });
      expect(d).toMatchObject({ status: 'READY', artifactManifestKey: `deployments/${ctx.id}/manifest-${i}.json`, leaseExpiresAt: null, orchestratorId: INSTANCE });
      expect(d.uploadingAt).toBeInstanceOf(Date);
      expect(d.readyAt).toEqual(d.finishedAt);
      expect(d.readyAt!.getTime()).toBeGreaterThanOrEqual(d.uploadingAt!.getTime());
      // Its events, in the order they were made, with what consumers need.
      const events = await eventsOf(orch.prisma, ctx.id);
      expect(events.map((e) => [e.type, e.payload.to])).toEqual([
        ['DeploymentStatusChanged.v1', 'UPLOADING'],
        ['BuildSucceeded.v1', undefined],
        ['DeploymentStatusChanged.v1', 'READY'],
        ['DeploymentReady.v1', undefined],
      ]);
      expect(events[1].payload).toMatchObject({ deploymentId: ctx.id, runner: 'process', durationMs: 1234 });
      expect(events[3].payload).toMatchObject({ deploymentId: ctx.id, slug: ctx.slug, target: 'PREVIEW', manifestKey: d.artifactManifestKey, readyAt: d.readyAt!.toISOString() });
    }
    for (const ctx of [canceled, takenOver]) expect(await eventsOf(orch.prisma, ctx.id)).toEqual([]);
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: canceled.id } })).status).toBe('CANCELED');
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: takenOver.id } })).status).toBe('BUILDING');
  }, 60_000);

  it('READY of a row that is not UPLOADING does not apply, and a production READY still moves the alias', async () => {
    const notUploading = await building(orch);
    expect(await transitions.ready(notUploading, 'deployments/x/manifest.json')).toBeUndefined();
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: notUploading.id } })).status).toBe('BUILDING');

    const production = await building(orch, 'PRODUCTION');
    expect(await transitions.buildSucceeded(production, { runner: 'process', durationMs: 1 })).toBe(true);
    expect(await transitions.ready(production, `deployments/${production.id}/manifest.json`)).toEqual({ aliasMoved: true });
    expect(await orch.prisma.projectAlias.findUniqueOrThrow({ where: { projectId: production.projectId } })).toMatchObject({ deploymentId: production.id });
    expect((await eventsOf(orch.prisma, production.projectId)).map((e) => e.type)).toContain('AliasMoved.v1');
  }, 60_000);

  it('a production READY replaces an older live deployment (AliasMoved names it) and never a newer one', async () => {
    const older = await building(orch, 'PRODUCTION');
    const projectId = older.projectId;
    const sameProject = async (createdAt: Date): Promise<BuildContext> => {
      const id = newId('dpl');
      await orch.prisma.deployment.create({
        data: { id, projectId, target: 'PRODUCTION', source: 'UPLOAD', sourceKey: 'static-site', status: 'UPLOADING', orchestratorId: INSTANCE, createdAt, correlationId: `corr-${id}` },
      });
      return { ...older, id, createdAt, correlationId: `corr-${id}` };
    };
    const middle = await sameProject(new Date(older.createdAt.getTime() + 1_000));
    const newest = await sameProject(new Date(older.createdAt.getTime() + 2_000));
    expect(await transitions.buildSucceeded(older, { runner: 'process', durationMs: 1 })).toBe(true);

    expect(await transitions.ready(middle, 'm')).toEqual({ aliasMoved: true }); // the first alias row
    expect(await transitions.ready(newest, 'n')).toEqual({ aliasMoved: true });
    expect(await transitions.ready(older, 'o')).toEqual({ aliasMoved: false }); // READY, but older than the live one
    expect(await transitions.ready(newest, 'n')).toBeUndefined(); // no longer UPLOADING

    expect((await orch.prisma.projectAlias.findUniqueOrThrow({ where: { projectId } })).deploymentId).toBe(newest.id);
    const moves = (await eventsOf(orch.prisma, projectId)).filter((e) => e.type === 'AliasMoved.v1').map((e) => e.payload);
    expect(moves).toEqual([
      expect.objectContaining({ deploymentId: middle.id }),
      expect.objectContaining({ deploymentId: newest.id, previousDeploymentId: middle.id }),
    ]);
    expect(moves[0]).not.toHaveProperty('previousDeploymentId');
    // The replaced deployment records when the alias left it (the edge's skew protection counts from it).
    const leftAt = async (id: string) => (await orch.prisma.deployment.findUniqueOrThrow({ where: { id } })).leftProductionAt?.toISOString();
    expect(await leftAt(middle.id)).toBe((moves[1] as { movedAt: string }).movedAt);
    expect(await leftAt(newest.id)).toBeUndefined();
    expect(await leftAt(older.id)).toBeUndefined();
    for (const d of [older, middle, newest]) {
      expect(await orch.prisma.deployment.findUniqueOrThrow({ where: { id: d.id } })).toMatchObject({ status: 'READY', leaseExpiresAt: null });
      expect((await eventsOf(orch.prisma, d.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['DeploymentStatusChanged.v1', 'DeploymentReady.v1']));
    }
  }, 60_000);

  it('ids of other deployments are never touched', async () => {
    const bystander = await building(orch);
    const stranger: BuildContext = { ...bystander, id: newId('dpl') };
    expect(await transitions.buildSucceeded(stranger, { runner: 'process', durationMs: 1 })).toBe(false);
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: bystander.id } })).status).toBe('BUILDING');
  }, 60_000);

  it('runner refs of builds started together are recorded in one batch, only on rows this instance owns', async () => {
    const [mine, theirs] = await Promise.all([building(orch), building(orch)]);
    await orch.prisma.deployment.update({ where: { id: theirs.id }, data: { orchestratorId: 'another-instance' } });
    expect(await Promise.all([transitions.setRunnerRef(mine, 'docker:abc'), transitions.setRunnerRef(theirs, 'docker:def')])).toEqual([true, false]);
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: mine.id } })).runnerRef).toBe('docker:abc');
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: theirs.id } })).runnerRef).toBeNull();
  }, 60_000);

  it('runtimes detected by builds starting together are recorded in one statement, each on its own row', async () => {
    const ctxs = await Promise.all(Array.from({ length: 6 }, () => building(orch)));
    const raw = jest.spyOn(orch.prisma, 'query');
    await Promise.all(ctxs.map((ctx, i) => transitions.recordRuntime(ctx.id, i % 2 === 0 ? 'static' : 'container')));
    const batches = raw.mock.calls.filter(([sql]) => sql.text.includes('SET runtime'));
    raw.mockRestore();
    expect(batches).toHaveLength(1);
    const rows = await orch.prisma.deployment.findMany({ where: { id: { in: ctxs.map((c) => c.id) } }, select: { id: true, runtime: true } });
    expect(ctxs.map((c) => rows.find((r) => r.id === c.id)?.runtime)).toEqual(ctxs.map((_, i) => (i % 2 === 0 ? 'static' : 'container')));
  });

  it("env vars loaded together (one query) still give each build its own project's and target's values", async () => {
    const [a, b] = await Promise.all([seedProject(orch.prisma), seedProject(orch.prisma)]);
    await setEnvVar(orch.prisma, world.encryptionKey, a, 'API_URL', 'https://a.prod', false, 'PRODUCTION');
    await setEnvVar(orch.prisma, world.encryptionKey, a, 'API_URL', 'https://a.preview', false, 'PREVIEW');
    await setEnvVar(orch.prisma, world.encryptionKey, a, 'TOKEN', 's3cret-a', true, 'PRODUCTION');
    await setEnvVar(orch.prisma, world.encryptionKey, b, 'API_URL', 'https://b.prod', false, 'PRODUCTION');
    const env = orch.app.get(BuildEnvironment);
    const [aProd, aPreview, bProd, bPreview] = await Promise.all([env.load(a, 'PRODUCTION'), env.load(a, 'PREVIEW'), env.load(b, 'PRODUCTION'), env.load(b, 'PREVIEW')]);
    expect(aProd).toEqual({ env: { API_URL: 'https://a.prod', TOKEN: 's3cret-a' }, secrets: ['s3cret-a'], reserved: [] });
    expect(aPreview).toEqual({ env: { API_URL: 'https://a.preview' }, secrets: [], reserved: [] });
    expect(bProd).toEqual({ env: { API_URL: 'https://b.prod' }, secrets: [], reserved: [] });
    expect(bPreview).toEqual({ env: {}, secrets: [], reserved: [] });
  }, 60_000);
});

describe('production go-live racing a promote (PostgreSQL)', () => {
  let world: OrchestratorWorld;
  let orch: TestOrchestrator;
  afterAll(() => world?.close());

  it('a READY that waited for the alias lock sees the promoted deployment and leaves it live when it is newer', async () => {
    world = new OrchestratorWorld('postgres');
    orch = await world.start({ runner: new FakeRunner(), env: { ORCHESTRATOR_INSTANCE_ID: INSTANCE } });
    const transitions = orch.app.get(DeploymentTransitions);
    const ctx = await building(orch, 'PRODUCTION');
    const live = newId('dpl');
    const promoted = newId('dpl');
    await orch.prisma.deployment.createMany({
      data: [
        { id: live, projectId: ctx.projectId, target: 'PRODUCTION', source: 'UPLOAD', status: 'READY', createdAt: new Date(ctx.createdAt.getTime() - 60_000) },
        { id: promoted, projectId: ctx.projectId, target: 'PREVIEW', source: 'UPLOAD', status: 'READY', createdAt: new Date(ctx.createdAt.getTime() + 60_000) },
      ],
    });
    await orch.prisma.projectAlias.create({ data: { projectId: ctx.projectId, deploymentId: live } });
    expect(await transitions.buildSucceeded(ctx, { runner: 'process', durationMs: 1 })).toBe(true);

    // A promote of the newer deployment holds the alias row while the build goes READY.
    const promote = new Client({ connectionString: world.db!.url });
    await promote.connect();
    try {
      await promote.query('BEGIN');
      await promote.query('UPDATE project_aliases SET deployment_id = $1, updated_at = now() WHERE project_id = $2', [promoted, ctx.projectId]);
      let settled = false;
      const ready = transitions.ready(ctx, `deployments/${ctx.id}/manifest.json`).finally(() => (settled = true));
      // Waiting for the alias lock: seen as a lock not granted, not guessed from a delay.
      for (const until = Date.now() + 20_000; Number((await promote.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n) === 0; ) {
        if (Date.now() > until || settled) throw new Error('ready() did not wait for the alias lock');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(settled).toBe(false);
      await promote.query('COMMIT');
      expect(await ready).toEqual({ aliasMoved: false });
    } finally {
      await promote.end();
    }
    expect((await orch.prisma.projectAlias.findUniqueOrThrow({ where: { projectId: ctx.projectId } })).deploymentId).toBe(promoted);
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: ctx.id } })).status).toBe('READY');
    expect((await eventsOf(orch.prisma, ctx.projectId)).filter((e) => e.type === 'AliasMoved.v1')).toEqual([]);
  }, 60_000);
});
