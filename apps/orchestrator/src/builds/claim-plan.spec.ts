import { planClaims, type QueuedDeployment } from './claim-plan';

let clock = 0;
const q = (id: string, projectId: string, target: 'PREVIEW' | 'PRODUCTION' = 'PRODUCTION', source: 'UPLOAD' | 'GIT' = 'UPLOAD', gitRef: string | null = null): QueuedDeployment => ({
  id,
  projectId,
  target,
  source,
  gitRef,
  createdAt: new Date(++clock * 1000),
});

describe('planClaims', () => {
  it('starts the oldest deployment of each free project, oldest projects first, up to the free slots', () => {
    const queue = [q('a1', 'A', 'PREVIEW'), q('b1', 'B', 'PREVIEW'), q('a2', 'A', 'PREVIEW'), q('c1', 'C', 'PREVIEW')];
    expect(planClaims(queue, new Set(), 2).start.map((d) => d.id)).toEqual(['a1', 'b1']);
    expect(planClaims(queue, new Set(), 10).start.map((d) => d.id)).toEqual(['a1', 'b1', 'c1']);
    expect(planClaims(queue, new Set(), 0).start).toEqual([]);
  });

  it('a project with a running build starts nothing', () => {
    const queue = [q('a1', 'A', 'PREVIEW'), q('b1', 'B', 'PREVIEW')];
    expect(planClaims(queue, new Set(['A']), 5).start.map((d) => d.id)).toEqual(['b1']);
  });

  it('the newest queued production deployment supersedes older queued production ones, even while the project is busy', () => {
    const queue = [q('p1', 'A'), q('v1', 'A', 'PREVIEW'), q('p2', 'A'), q('p3', 'A')];
    const plan = planClaims(queue, new Set(['A']), 5);
    expect(plan.supersede).toEqual([
      { id: 'p1', projectId: 'A', by: 'p3' },
      { id: 'p2', projectId: 'A', by: 'p3' },
    ]);
    expect(plan.start).toEqual([]);
    expect(planClaims(queue, new Set(), 5).start.map((d) => d.id)).toEqual(['v1']);
  });

  it('git previews are superseded per branch; uploaded previews never', () => {
    const queue = [
      q('f1', 'A', 'PREVIEW', 'GIT', 'feature'),
      q('u1', 'A', 'PREVIEW', 'UPLOAD'),
      q('m1', 'A', 'PREVIEW', 'GIT', 'main-ish'),
      q('f2', 'A', 'PREVIEW', 'GIT', 'feature'),
      q('u2', 'A', 'PREVIEW', 'UPLOAD'),
    ];
    const plan = planClaims(queue, new Set(), 5);
    expect(plan.supersede.map((s) => `${s.id}>${s.by}`)).toEqual(['f1>f2']);
    expect(plan.start.map((d) => d.id)).toEqual(['u1']);
  });

  it('different projects never supersede each other', () => {
    const plan = planClaims([q('a', 'A'), q('b', 'B')], new Set(), 5);
    expect(plan.supersede).toEqual([]);
    expect(plan.start.map((d) => d.id)).toEqual(['a', 'b']);
  });
});
