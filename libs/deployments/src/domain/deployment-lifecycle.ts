import { DomainError } from '@deploysphere/common';
import {
  AliasMovedV1,
  BuildSucceededV1,
  DeploymentFailedV1,
  DeploymentImageStoredV1,
  DeploymentReadyV1,
  DeploymentStatusChangedV1,
  type DeploymentStatusName,
  type IntegrationEventClass,
} from '@deploysphere/contracts';

/** The app that performs a transition: the only one whose code may make it. */
export type LifecycleActor = 'api' | 'orchestrator';

/**
 * waiting: nobody builds it yet; active: an orchestrator instance owns its build (lease); runtime:
 * its build is over and the app runtime starts or runs its image (no build lease, not counted
 * against the build slots); ended: nothing changes it again.
 */
export type StatusPhase = 'waiting' | 'active' | 'runtime' | 'ended';

export interface StatusRule {
  status: DeploymentStatusName;
  phase: StatusPhase;
  meaning: string;
}

export interface TransitionRule {
  from: DeploymentStatusName;
  to: DeploymentStatusName;
  by: LifecycleActor;
  /** Why it happens (one line of the docs table). */
  when: string;
  /** The events written to the outbox with the change, in order. */
  emits: readonly IntegrationEventClass<object>[];
  /** Events written only in some cases, with the case. */
  alsoEmits?: { event: IntegrationEventClass<object>; when: string };
}

const changed = DeploymentStatusChangedV1 as IntegrationEventClass<object>;
const failed = DeploymentFailedV1 as IntegrationEventClass<object>;

/**
 * Every status a deployment can have. Adding one (a server app's STARTING, CRASHED, …) is a row
 * here and in the rows below, plus the database enum.
 */
export const STATUS_RULES: readonly StatusRule[] = [
  { status: 'QUEUED', phase: 'waiting', meaning: 'stored with its DeploymentRequested event; waits for a build slot' },
  { status: 'BUILDING', phase: 'active', meaning: 'an orchestrator instance claimed it and runs its build' },
  { status: 'UPLOADING', phase: 'active', meaning: 'the build succeeded; its output is being stored' },
  {
    status: 'READY',
    phase: 'ended',
    meaning: 'its output is stored and served, or its app instances are healthy (production: the alias moved to it unless a newer one is live)',
  },
  { status: 'FAILED', phase: 'ended', meaning: 'the build or the upload failed (failureCode says why)' },
  { status: 'CANCELED', phase: 'ended', meaning: 'canceled by its user or superseded before its build started' },
  { status: 'TIMED_OUT', phase: 'ended', meaning: 'the build ran longer than BUILD_TIMEOUT_SECONDS' },
  { status: 'STARTING', phase: 'runtime', meaning: 'a container deployment: its image is stored by digest; the app runtime starts it' },
  { status: 'CRASHED', phase: 'ended', meaning: 'a live server app kept crashing; its instances were stopped (failureMessage holds its last log lines)' },
];

/**
 * Every allowed transition, who makes it and what it announces. Every status change also emits
 * DeploymentStatusChanged.v1. A transition out of an active status is made only by the instance
 * that owns the build (the repository checks the owner with the status).
 */
export const TRANSITION_RULES: readonly TransitionRule[] = [
  { from: 'QUEUED', to: 'BUILDING', by: 'orchestrator', when: 'claimed by the scheduler within the concurrency limits', emits: [changed] },
  { from: 'QUEUED', to: 'CANCELED', by: 'api', when: 'the user cancels it before its build started', emits: [changed] },
  {
    from: 'QUEUED',
    to: 'CANCELED',
    by: 'orchestrator',
    when: 'superseded by a newer queued deployment of the same line, or a cancel request reached the orchestrator first',
    emits: [changed],
  },
  { from: 'QUEUED', to: 'FAILED', by: 'orchestrator', when: 'ended before its build started', emits: [changed, failed] },
  { from: 'QUEUED', to: 'TIMED_OUT', by: 'orchestrator', when: 'ended before its build started', emits: [changed, failed] },
  { from: 'BUILDING', to: 'UPLOADING', by: 'orchestrator', when: 'the build succeeded', emits: [changed, BuildSucceededV1 as IntegrationEventClass<object>] },
  { from: 'BUILDING', to: 'FAILED', by: 'orchestrator', when: 'the build failed, or its build was lost', emits: [changed, failed] },
  { from: 'BUILDING', to: 'TIMED_OUT', by: 'orchestrator', when: 'the build exceeded its time limit', emits: [changed, failed] },
  { from: 'BUILDING', to: 'CANCELED', by: 'orchestrator', when: 'its build was stopped after a cancel request', emits: [changed] },
  {
    from: 'UPLOADING',
    to: 'READY',
    by: 'orchestrator',
    when: 'the output is stored',
    emits: [changed, DeploymentReadyV1 as IntegrationEventClass<object>],
    alsoEmits: { event: AliasMovedV1 as IntegrationEventClass<object>, when: 'production, and no newer deployment is live: the alias moves here' },
  },
  {
    from: 'UPLOADING',
    to: 'STARTING',
    by: 'orchestrator',
    when: 'a container deployment\'s image is pushed and its digest recorded',
    emits: [changed, DeploymentImageStoredV1 as IntegrationEventClass<object>],
  },
  { from: 'UPLOADING', to: 'FAILED', by: 'orchestrator', when: 'storing the output failed', emits: [changed, failed] },
  { from: 'UPLOADING', to: 'TIMED_OUT', by: 'orchestrator', when: 'the upload exceeded the time limit', emits: [changed, failed] },
  { from: 'UPLOADING', to: 'CANCELED', by: 'orchestrator', when: 'stopped after a cancel request', emits: [changed] },
  {
    from: 'STARTING',
    to: 'READY',
    by: 'orchestrator',
    when: 'every instance passed its health check',
    emits: [changed, DeploymentReadyV1 as IntegrationEventClass<object>],
    alsoEmits: { event: AliasMovedV1 as IntegrationEventClass<object>, when: 'production, and no newer deployment is live: the alias moves here' },
  },
  {
    from: 'STARTING',
    to: 'FAILED',
    by: 'orchestrator',
    when: 'an instance could not start, or did not pass its health check in time (HEALTH_CHECK_FAILED)',
    emits: [changed, failed],
  },
  { from: 'STARTING', to: 'CANCELED', by: 'orchestrator', when: 'its instances were stopped after a cancel request', emits: [changed] },
  {
    from: 'READY',
    to: 'CRASHED',
    by: 'orchestrator',
    when: 'a live server app crashed APP_CRASH_LIMIT times within APP_CRASH_WINDOW_SECONDS (the only change after an end)',
    emits: [changed, failed],
  },
];

/** A transition the lifecycle does not allow (a bug in the caller, or a race it lost). */
export class TransitionNotAllowedError extends DomainError {
  constructor(from: DeploymentStatusName, to: DeploymentStatusName, by: LifecycleActor) {
    super('conflict', 'DEPLOYMENT_TRANSITION_NOT_ALLOWED', `A deployment cannot go from ${from} to ${to} by the ${by}`, { currentStatus: from });
  }
}

/** Questions about the tables above; the repository's status conditions are answered here. */
export class DeploymentLifecycle {
  constructor(
    private readonly statuses: readonly StatusRule[] = STATUS_RULES,
    private readonly transitions: readonly TransitionRule[] = TRANSITION_RULES,
  ) {}

  /** Whether `by` may move a deployment from `from` to `to`. */
  allows(from: DeploymentStatusName, to: DeploymentStatusName, by: LifecycleActor): boolean {
    return this.transitions.some((t) => t.from === from && t.to === to && t.by === by);
  }

  assert(from: DeploymentStatusName, to: DeploymentStatusName, by: LifecycleActor): void {
    if (!this.allows(from, to, by)) throw new TransitionNotAllowedError(from, to, by);
  }

  /** The statuses from which `by` may move a deployment to `to`: the status condition of that change. */
  sources(to: DeploymentStatusName, by: LifecycleActor): DeploymentStatusName[] {
    return [...new Set(this.transitions.filter((t) => t.to === to && t.by === by).map((t) => t.from))];
  }

  /** Statuses in one phase (e.g. the active ones, whose builds have an owner and a lease). */
  inPhase(phase: StatusPhase): DeploymentStatusName[] {
    return this.statuses.filter((s) => s.phase === phase).map((s) => s.status);
  }

  isEnded(status: DeploymentStatusName): boolean {
    return this.statuses.find((s) => s.status === status)?.phase === 'ended';
  }

  /** Whether a change out of `from` needs the build's owner (an active status has one). */
  needsOwner(from: DeploymentStatusName): boolean {
    return this.statuses.find((s) => s.status === from)?.phase === 'active';
  }

  /** The lifecycle as Markdown tables (docs/deployment-lifecycle.md holds exactly this; a test checks it). */
  toMarkdown(): string {
    const statuses = this.statuses.map((s) => `| \`${s.status}\` | ${s.phase} | ${s.meaning} |`);
    const transitions = this.transitions.map((t) => {
      const emits = t.emits.map((e) => `\`${e.type}\``).join(', ');
      const also = t.alsoEmits ? `; \`${t.alsoEmits.event.type}\` when ${t.alsoEmits.when}` : '';
      return `| \`${t.from}\` | \`${t.to}\` | ${t.by} | ${t.when} | ${emits}${also} |`;
    });
    return [
      '| status | phase | meaning |',
      '|---|---|---|',
      ...statuses,
      '',
      '| from | to | by | when | emits |',
      '|---|---|---|---|---|',
      ...transitions,
      '',
    ].join('\n');
  }
}

/** The lifecycle of every deployment. */
export const deploymentLifecycle = new DeploymentLifecycle();
