import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOYMENT_STATUSES, TERMINAL_STATUSES } from '@deploysphere/contracts';
import { DeploymentLifecycle, deploymentLifecycle as lifecycle, STATUS_RULES, TRANSITION_RULES, TransitionNotAllowedError } from './deployment-lifecycle';

const DOC = join(__dirname, '../../../../docs/deployment-lifecycle.md');

describe('the deployment lifecycle', () => {
  it('knows every status of the contracts, once, and ends exactly in the terminal ones', () => {
    expect(STATUS_RULES.map((s) => s.status).sort()).toEqual([...DEPLOYMENT_STATUSES].sort());
    expect(lifecycle.inPhase('ended').sort()).toEqual([...TERMINAL_STATUSES].sort());
    expect(lifecycle.inPhase('active')).toEqual(['BUILDING', 'UPLOADING']);
    expect(lifecycle.inPhase('runtime')).toEqual(['STARTING']);
  });

  it('allows each transition only to the app that owns it', () => {
    expect(lifecycle.allows('QUEUED', 'CANCELED', 'api')).toBe(true);
    expect(lifecycle.allows('BUILDING', 'CANCELED', 'api')).toBe(false);
    expect(lifecycle.allows('QUEUED', 'BUILDING', 'api')).toBe(false);
    expect(lifecycle.allows('QUEUED', 'BUILDING', 'orchestrator')).toBe(true);
    expect(lifecycle.allows('READY', 'FAILED', 'orchestrator')).toBe(false);
    expect(() => lifecycle.assert('BUILDING', 'READY', 'orchestrator')).toThrow(TransitionNotAllowedError);
    expect(() => lifecycle.assert('UPLOADING', 'READY', 'orchestrator')).not.toThrow();
  });

  it('gives the status conditions the repository writes', () => {
    expect(lifecycle.sources('CANCELED', 'api')).toEqual(['QUEUED']);
    expect(lifecycle.sources('CANCELED', 'orchestrator')).toEqual(['QUEUED', 'BUILDING', 'UPLOADING', 'STARTING']);
    expect(lifecycle.sources('FAILED', 'orchestrator')).toEqual(['QUEUED', 'BUILDING', 'UPLOADING', 'STARTING']);
    expect(lifecycle.sources('READY', 'orchestrator')).toEqual(['UPLOADING', 'STARTING']);
    expect(lifecycle.sources('CRASHED', 'orchestrator')).toEqual(['READY']);
    expect(lifecycle.needsOwner('QUEUED')).toBe(false);
    expect(lifecycle.needsOwner('UPLOADING')).toBe(true);
    expect(lifecycle.needsOwner('STARTING')).toBe(false);
  });

  it('nothing leaves an ended status (but a live app crashing), and every transition emits DeploymentStatusChanged.v1 first', () => {
    for (const t of TRANSITION_RULES) {
      if (t.from !== 'READY' || t.to !== 'CRASHED') expect(lifecycle.isEnded(t.from)).toBe(false);
      expect(t.emits[0].type).toBe('DeploymentStatusChanged.v1');
    }
  });

  it('a new status is rows of data: a lifecycle with STARTING answers for it', () => {
    const withStart = new DeploymentLifecycle(
      [...STATUS_RULES, { status: 'STARTING' as never, phase: 'active', meaning: 'the app container starts' }],
      [...TRANSITION_RULES, { from: 'UPLOADING', to: 'STARTING' as never, by: 'orchestrator', when: 'a server app was stored', emits: TRANSITION_RULES[0].emits }],
    );
    expect(withStart.inPhase('active')).toContain('STARTING');
    expect(withStart.sources('STARTING' as never, 'orchestrator')).toEqual(['UPLOADING']);
  });

  it('a container deployment goes UPLOADING → STARTING with its image, outside the build phases', () => {
    const rule = TRANSITION_RULES.find((t) => t.from === 'UPLOADING' && t.to === 'STARTING');
    expect(rule?.by).toBe('orchestrator');
    expect(rule?.emits.map((e) => e.type)).toEqual(['DeploymentStatusChanged.v1', 'DeploymentImageStored.v1']);
    expect(lifecycle.inPhase('runtime')).toEqual(['STARTING']);
    // Not a build: no lease, no build slot, no takeover by the build recovery; not ended either.
    expect(lifecycle.needsOwner('STARTING')).toBe(false);
    expect(lifecycle.isEnded('STARTING')).toBe(false);
    expect(lifecycle.sources('STARTING', 'orchestrator')).toEqual(['UPLOADING']);
  });

  it('docs/deployment-lifecycle.md holds exactly its tables', () => {
    const doc = readFileSync(DOC, 'utf8');
    const [, tables] = doc.match(/<!-- lifecycle:begin -->\n([\s\S]*?)<!-- lifecycle:end -->/) ?? [];
    expect(tables).toBe(lifecycle.toMarkdown());
  });
});
