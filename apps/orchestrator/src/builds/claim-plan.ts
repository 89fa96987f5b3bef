/** A QUEUED deployment as the scheduler sees it when it plans what to start. */
export interface QueuedDeployment {
  id: string;
  projectId: string;
  target: 'PREVIEW' | 'PRODUCTION';
  source: 'UPLOAD' | 'GIT';
  gitRef: string | null;
  createdAt: Date;
}

export interface ClaimPlan {
  /** Queued deployments replaced by a newer one (they end CANCELED, code SUPERSEDED). */
  supersede: Array<{ id: string; projectId: string; by: string }>;
  /** What to start now: at most one per project, oldest first, at most `slots`. */
  start: QueuedDeployment[];
}

/**
 * What the scheduler does with the queue (docs/builds.md, "Scheduling"):
 *  - supersede: of a project's queued PRODUCTION deployments only the newest is built; of its
 *    queued PREVIEW deployments from git, only the newest per ref (branch). Uploaded previews are
 *    never superseded (each is somebody's explicit deploy). A build that already started is
 *    never superseded.
 *  - one build at a time per project: a project with a running build (`busy`) starts nothing.
 *  - fairness: projects take turns by the age of their oldest remaining queued deployment, and
 *    within a project the oldest goes first.
 * Input is ordered by createdAt, id.
 */
export function planClaims(queued: QueuedDeployment[], busy: ReadonlySet<string>, slots: number): ClaimPlan {
  const byProject = new Map<string, QueuedDeployment[]>();
  for (const d of queued) {
    const list = byProject.get(d.projectId) ?? [];
    list.push(d);
    byProject.set(d.projectId, list);
  }
  const supersede: ClaimPlan['supersede'] = [];
  const candidates: QueuedDeployment[] = [];
  for (const list of byProject.values()) {
    const newest = new Map<string, QueuedDeployment>();
    const lineOf = (d: QueuedDeployment) => (d.target === 'PRODUCTION' ? 'production' : d.source === 'GIT' && d.gitRef ? `preview:${d.gitRef}` : undefined);
    for (const d of list) {
      const line = lineOf(d);
      if (line) newest.set(line, d); // ordered oldest → newest, so the last one wins
    }
    const remaining = list.filter((d) => {
      const line = lineOf(d);
      const winner = line ? newest.get(line) : undefined;
      if (winner && winner.id !== d.id) {
        supersede.push({ id: d.id, projectId: d.projectId, by: winner.id });
        return false;
      }
      return true;
    });
    if (remaining.length > 0 && !busy.has(remaining[0].projectId)) candidates.push(remaining[0]);
  }
  candidates.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  return { supersede, start: candidates.slice(0, Math.max(0, slots)) };
}
