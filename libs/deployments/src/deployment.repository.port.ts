import type { DeploymentStatusName, DeploymentTargetName } from '@deploysphere/contracts';
import type { Deployment, PrismaTx } from '@deploysphere/database';

export const DEPLOYMENT_REPOSITORY = Symbol('DEPLOYMENT_REPOSITORY');

/** A transaction a caller opened (its own checks, and this repository's writes, commit together). */
export type DeploymentTx = PrismaTx;

export interface DeploymentRequest {
  /** Preassigned when something is stored under the id before the row exists (an upload's archive). */
  id?: string;
  projectId: string;
  teamId: string;
  target: DeploymentTargetName;
  source: 'GIT' | 'UPLOAD';
  gitRef?: string | null;
  commitSha?: string | null;
  commitMessage?: string | null;
  sourceKey?: string | null;
  /** The API token behind the request; null for a webhook. */
  createdByTokenId?: string | null;
  correlationId: string;
}

/** What every transition of one build needs to know and to put in its events. */
export interface BuildContext {
  id: string;
  projectId: string;
  slug: string;
  target: DeploymentTargetName;
  createdAt: Date;
  correlationId: string;
}

export type FinalStatus = 'FAILED' | 'TIMED_OUT' | 'CANCELED';

/** static: the edge serves the build output; container: the app runtime runs the deployment's image. */
export type AppRuntimeName = 'static' | 'container';

/** A QUEUED deployment as the scheduler sees it when it plans what to start. */
/** A READY deployment as the edge's route snapshot needs it. */
export interface ServableDeployment {
  id: string;
  projectId: string;
  manifestKey: string | null;
  /** When the production alias last moved away from it; null if it never did. */
  leftProductionAt: Date | null;
  /** A server app's running instances (`ip:port`, empty while it sleeps); null for static output. */
  upstreams: string[] | null;
}

export interface QueuedDeployment {
  id: string;
  projectId: string;
  target: DeploymentTargetName;
  source: 'UPLOAD' | 'GIT';
  gitRef: string | null;
  createdAt: Date;
}

/** What the scheduler decided for the queue it was shown. */
export interface ClaimDecision {
  supersede: Array<{ id: string; projectId: string; by: string }>;
  start: QueuedDeployment[];
}

export interface ClaimRequest {
  owner: string;
  leaseSeconds: number;
  /** Advisory lock held while claiming, so instances count running builds one at a time. */
  lock: number;
  /** Global BUILD_CONCURRENCY. */
  concurrency: number;
  /** Free slots of this instance. */
  localSlots: number;
  /** Decides what to start and what to supersede among the queued deployments of the projects shown. */
  plan: (queued: QueuedDeployment[], busy: ReadonlySet<string>, slots: number) => ClaimDecision;
}

export interface ClaimResult {
  started: string[];
  superseded: Array<{ id: string; by: string }>;
}

/** A deployment this orchestrator instance owns (BUILDING or UPLOADING). */
export interface OwnedDeployment {
  id: string;
  projectId: string;
  target: DeploymentTargetName;
  source: 'UPLOAD' | 'GIT';
  sourceKey: string | null;
  gitRef: string | null;
  commitSha: string | null;
  createdAt: Date;
  buildingAt: Date;
  status: 'BUILDING' | 'UPLOADING' | 'STARTING';
  runnerRef: string | null;
  cancelRequested: boolean;
  correlationId: string;
}

/** A deployment with app instances, as the app supervisor sees it. */
export interface AppRole {
  id: string;
  status: DeploymentStatusName;
  target: DeploymentTargetName;
  /** Its project's production alias points at it. */
  live: boolean;
  /** A promote or rollback to it waits for its instances to be healthy. */
  promoting: boolean;
  /** Its instances were stopped for idleness (scale to zero); it stays READY. */
  asleep: boolean;
  /** An orchestrator instance holds a live claim to wake it. */
  waking: boolean;
  /** Since when nobody asked for it: the newest request an edge reported, else when it became READY. */
  idleSince: Date | null;
  /** Its project's setting (null: the platform default for previews, never for production; 0: never). */
  idleTimeoutSeconds: number | null;
  /** For a production deployment that is not live: when the alias last moved (away from it, or never to it). */
  aliasMovedAt: Date | null;
}

/**
 * A move of a project's production alias (or its confirmation when it already pointed there).
 * `starting`: the target is a container deployment; the orchestrator starts its instances (or
 * finds them warm) and moves the alias once they are healthy (AliasMoved.v1), or records why not
 * on the deployment (`promotionFailureCode`); until then `previousDeploymentId` stays live.
 */
export interface AliasMove {
  projectId: string;
  deploymentId: string;
  previousDeploymentId: string | null;
  state: 'moved' | 'starting';
  /** When it moved; null while starting. */
  movedAt: string | null;
}

/** A promote or rollback to a READY container deployment that an orchestrator instance claimed: start it, then move the alias. */
export interface PendingPromotion extends BuildContext {
  imageRef: string;
  /** The request this claim is for: a newer request (or a move elsewhere) supersedes it. */
  requestedAt: Date;
}

/** Which of a project's deployments to list: newest first by (createdAt, id), strictly after `after`. */
export interface DeploymentListQuery {
  status?: DeploymentStatusName;
  target?: DeploymentTargetName;
  after?: { createdAt: Date; id: string };
  take: number;
}

/** What a cancel request found (QUEUED → CANCELED at once; a running build only gets the request). */
export type StopOutcome = 'ended' | 'running' | 'canceled';

/**
 * Every read and write of deployments and project aliases. Each status change checks, in the
 * statement that makes it, the statuses the lifecycle allows it from (and, out of an active
 * status, the owning orchestrator instance), and writes its events to the outbox in the same
 * transaction; a change that no longer applies writes nothing and reports it.
 */
export interface DeploymentRepository {
  /** The deployment when it is the team's (a project of the team), else null: another team's is as missing. */
  findVisible(teamId: string, deploymentId: string): Promise<Deployment | null>;
  /** A page of the project's deployments; null when the project is not the team's. */
  listVisible(teamId: string, projectId: string, query: DeploymentListQuery): Promise<Deployment[] | null>;
  /** READY deployments (what can be served), by id, after `afterId`: a page of the edge's route snapshot. */
  servablePage(afterId: string | undefined, take: number): Promise<ServableDeployment[]>;
  /** Whether the project exists and is the team's (checked before an upload is read). */
  isProjectVisible(teamId: string, projectId: string): Promise<boolean>;
  /** The QUEUED row and its DeploymentRequested event, in the caller's transaction (which made its own checks). */
  createQueued(tx: DeploymentTx, request: DeploymentRequest): Promise<Deployment>;
  /** The same in one statement, only if the project is still the team's; undefined (nothing written) when not. */
  createQueuedIfProjectVisible(request: DeploymentRequest): Promise<Deployment | undefined>;
  /** The user's cancel: QUEUED → CANCELED, or a cancel request for a running build. Not the team's: NotFoundError. */
  cancel(teamId: string, deploymentId: string, correlationId: string): Promise<Deployment>;
  /** Points the project's alias at a READY deployment of the team (a container deployment: once its instances are healthy, see AliasMove). */
  promote(teamId: string, deploymentId: string, correlationId: string): Promise<AliasMove>;
  /** Points the alias at `deploymentId`, or at the newest READY production deployment older than the live one. */
  rollback(teamId: string, projectId: string, deploymentId: string | undefined, correlationId: string): Promise<AliasMove>;

  /** Records a DeploymentRequested event once per consumer (batched) and reads the deployment's status (null: deleted). */
  recordRequest(consumer: string, eventId: string, deploymentId: string): Promise<{ first: boolean; status: DeploymentStatusName | null }>;
  /** A cancel request that reached the orchestrator, in the caller's transaction (its processed-message record). */
  stop(tx: DeploymentTx, deploymentId: string, requestedAt: Date, meta: { correlationId: string; causationId: string }): Promise<StopOutcome>;
  /** Claims queued deployments for `owner` within the concurrency limits; supersedes what the plan says. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Extends `owner`'s lease on its active builds; returns those it still owns, with their cancel requests. */
  renewLeases(owner: string, ids: string[], leaseSeconds: number): Promise<Array<{ id: string; cancel: boolean }>>;
  /** Takes over active deployments whose owner is gone (or is `owner` restarted), except `running`. */
  takeOver(owner: string, running: string[], leaseSeconds: number): Promise<Array<{ id: string; previousOwner: string | null }>>;
  owned(owner: string, ids: string[]): Promise<OwnedDeployment[]>;
  /** Deployments waiting for a build (QUEUED), and the age in seconds of the oldest (0 when none): the build queue's depth. */
  queueDepth(): Promise<{ queued: number; oldestSeconds: number }>;
  /** Those of `ids` whose deployments ended. */
  endedAmong(ids: string[]): Promise<string[]>;
  setRunnerRef(owner: string, deploymentId: string, runnerRef: string): Promise<boolean>;
  /** Deployments that ended before `before` and still name a stored source archive, oldest first. */
  withExpiredSources(before: Date, limit: number): Promise<Array<{ id: string; sourceKey: string }>>;
  /** Forgets the source archive (removed from the store) unless the row names another one meanwhile. */
  forgetSource(deploymentId: string, sourceKey: string): Promise<void>;
  /** The commit a git fetch resolved. */
  recordCommit(deploymentId: string, commit: { sha?: string; message?: string }): Promise<void>;
  /** How the deployment is served, decided when its build ran (not a status change). */
  recordRuntime(deploymentId: string, runtime: AppRuntimeName): Promise<void>;
  /** UPLOADING → STARTING for a container deployment, with its image reference and digest (DeploymentImageStored.v1). */
  imageStored(owner: string, ctx: BuildContext, image: { imageRef: string; imageDigest: string }): Promise<boolean>;
  buildSucceeded(owner: string, ctx: BuildContext, build: { runner: string; durationMs: number; framework?: string }): Promise<boolean>;
  /** UPLOADING → READY; a production deployment also goes live unless a newer one is. Undefined: did not apply. */
  ready(owner: string, ctx: BuildContext, manifestKey: string): Promise<{ aliasMoved: boolean } | undefined>;
  finish(owner: string, ctx: BuildContext, to: FinalStatus, failure: { code: string; message: string; causationId?: string }): Promise<boolean>;
  /** A server app's STARTING → READY once its instances are healthy (`upstreams`), going live like a build (production, unless a newer one is live). */
  appReady(owner: string, ctx: BuildContext, upstreams: string[]): Promise<{ aliasMoved: boolean; previousDeploymentId: string | null } | undefined>;
  /** READY → CRASHED (a live app's crash loop; no owner: a READY deployment has none). False when it was not READY. */
  crashed(ctx: BuildContext, failure: { code: string; message: string }): Promise<boolean>;
  /**
   * Claims STARTING deployments whose image is stored and that nobody launches (no claim, an
   * expired one, or `owner`'s own from before a restart), except `running`: `owner` and a claim
   * until `leaseSeconds` from now on the row.
   */
  claimStarting(owner: string, leaseSeconds: number, running: string[]): Promise<Array<BuildContext & { imageRef: string }>>;
  /**
   * Claims pending promotions (promote or rollback to a READY container deployment) that nobody
   * starts (no claim, an expired one, or `owner`'s own from before a restart), except `running`.
   */
  claimPromotions(owner: string, leaseSeconds: number, running: string[]): Promise<PendingPromotion[]>;
  /**
   * The promotion's instances are healthy: in one statement the request is cleared (and the
   * deployment is awake), DeploymentUpstreamsChanged.v1 names its instances and the alias moves
   * (AliasMoved.v1, over whatever is live), only if the deployment is still READY and the
   * request is still `requestedAt` (not superseded by a later promote or rollback). False: it was.
   */
  promotionLive(promotion: PendingPromotion, upstreams: string[]): Promise<{ previousDeploymentId: string | null } | undefined>;
  /** The promotion's instances did not start or pass their health check: the alias stays; the deployment says why. */
  promotionFailed(promotion: PendingPromotion, failure: { code: string; message: string }): Promise<boolean>;
  /** The newest request per deployment an edge reported (kept in the row, so a restarted orchestrator still knows; never moved back, nor past now). */
  recordTraffic(seen: Array<{ deploymentId: string; lastRequestAt: Date }>): Promise<void>;
  /**
   * Scale to zero, in one statement: a READY container deployment with no request for
   * `idleSeconds` (and no promotion pending) is marked asleep, with DeploymentUpstreamsChanged.v1
   * naming no instance. False: it was asked for meanwhile, or is asleep already.
   */
  sleep(app: { id: string; projectId: string }, idleSeconds: number): Promise<boolean>;
  /** Claims the wake of an asleep deployment for `owner` (one claim at a time, across instances); undefined when it is not asleep or someone wakes it. */
  claimWake(owner: string, deploymentId: string, leaseSeconds: number): Promise<(BuildContext & { imageRef: string }) | undefined>;
  /** The woken deployment's instances are healthy: awake again, with DeploymentUpstreamsChanged.v1 naming them (only while `owner` holds the claim). */
  woke(owner: string, app: { id: string; projectId: string }, upstreams: string[]): Promise<boolean>;
  /** The wake failed: the claim goes (it stays asleep; the next wake request tries again). */
  releaseWake(owner: string, deploymentId: string): Promise<void>;
  /** A READY, awake deployment's instances changed address (a crashed instance replaced): DeploymentUpstreamsChanged.v1. */
  upstreamsChanged(app: { id: string; projectId: string }, upstreams: string[]): Promise<boolean>;
  /** What the app supervisor needs to know of deployments that have instances (missing ones were deleted). */
  appRoles(ids: string[]): Promise<AppRole[]>;
  /** What the transitions of a deployment name in their events; undefined when it is gone. */
  buildContext(deploymentId: string): Promise<BuildContext | undefined>;
}
