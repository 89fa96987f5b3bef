import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DEPLOYMENT_TARGETS, type DeploymentTargetName } from './deployments.events';
import { Topics } from './topics';
import { ENTITY_ID } from './ids';

// What the edge router needs to keep its in-memory route table current. Each event carries the
// project's slug so an edge instance can route a project it has not seen since it loaded.

const SLUG = /^(?!-)[a-z0-9-]{1,63}$/;
/** An instance address the edge connects to: IPv4 or bracketed IPv6, and a port. */
export const UPSTREAM_ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\]):\d{1,5}$/i;
/** A custom domain as stored: lower-case ASCII (punycode), no trailing dot, at least two labels. */
const HOSTNAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A deployment's output is stored and servable (at its immutable preview host from now on). */
export class DeploymentReadyV1 {
  static readonly topic = Topics.DeploymentReady;
  static readonly type = 'DeploymentReady.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @Matches(SLUG) slug!: string;
  @IsIn(DEPLOYMENT_TARGETS) target!: DeploymentTargetName;
  /** The static output's manifest; absent for a server app (it has upstreams instead). */
  @IsOptional() @IsString() @MaxLength(1024) manifestKey?: string;
  /** A server app's healthy instances (`ip:port`), which the edge proxies to. */
  @IsOptional() @IsArray() @ArrayMaxSize(64) @Matches(UPSTREAM_ADDRESS, { each: true }) upstreams?: string[];
  @IsISO8601() readyAt!: string;
}

/**
 * The project's production alias now points at `deploymentId` (go-live, promote or rollback).
 * Emitted after the alias row changed, in the same transaction (outbox); the key is the project id.
 */
export class AliasMovedV1 {
  static readonly topic = Topics.AliasMoved;
  static readonly type = 'AliasMoved.v1';

  @Matches(ENTITY_ID) projectId!: string;
  @Matches(SLUG) slug!: string;
  @Matches(ENTITY_ID) deploymentId!: string;
  @IsOptional() @Matches(ENTITY_ID) previousDeploymentId?: string;
  @IsISO8601() movedAt!: string;
}

/**
 * A project was created, renamed, or its serving settings changed. Carries the complete
 * routing view of the project (not a diff), so applying it twice or late is harmless.
 */
export class ProjectRoutingChangedV1 {
  static readonly topic = Topics.ProjectRoutingChanged;
  static readonly type = 'ProjectRoutingChanged.v1';

  @Matches(ENTITY_ID) projectId!: string;
  @Matches(SLUG) slug!: string;
  /** `/about` serves `about.html`; `/about.html` redirects to `/about`. */
  @IsBoolean() cleanUrls!: boolean;
  /** A miss on an extension-less path serves `/index.html` with 200 (client-side routing). */
  @IsBoolean() spaFallback!: boolean;
  /** A miss serves the deployment's own `/404.html` (status 404) when it has one. */
  @IsBoolean() custom404!: boolean;
  /** HTTPS answers carry `Strict-Transport-Security`; absent from producers that predate the setting (= off). */
  @IsOptional() @IsBoolean() hsts?: boolean;
  @IsISO8601() changedAt!: string;
}

/**
 * A custom domain passed its TXT check: the edge serves `hostname` as the project's production
 * alias from now on. Emitted once, in the transaction that sets the row's `verified_at`
 * (`verifiedAt` is that value); the key is the project id.
 */
export class DomainVerifiedV1 {
  static readonly topic = Topics.DomainVerified;
  static readonly type = 'DomainVerified.v1';

  @Matches(ENTITY_ID) projectId!: string;
  @Matches(SLUG) slug!: string;
  @Matches(ENTITY_ID) domainId!: string;
  @Matches(HOSTNAME) hostname!: string;
  @IsISO8601() verifiedAt!: string;
}

/**
 * A verified custom domain was removed from its project: the edge stops serving `hostname`.
 * (An unverified domain was never served, so its removal emits nothing; a deleted project's
 * domains go with `ProjectDeleted.v1`.) The key is the project id.
 */
export class DomainRemovedV1 {
  static readonly topic = Topics.DomainRemoved;
  static readonly type = 'DomainRemoved.v1';

  @Matches(ENTITY_ID) projectId!: string;
  @Matches(ENTITY_ID) domainId!: string;
  @Matches(HOSTNAME) hostname!: string;
  @IsISO8601() removedAt!: string;
}

/** Most instances one deployment runs (the platform's replica maximum is below this). */
export const MAX_UPSTREAMS = 64;
/** Most deployments one `DeploymentTrafficSeen.v1` batch names. */
export const MAX_TRAFFIC_SEEN_DEPLOYMENTS = 5_000;
/** An edge instance's id: what its access records and traffic reports are attributed to. */
export const EDGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A live container deployment's instances changed after it was READY: replaced after a crash,
 * stopped for idleness (`upstreams` = [], the edge holds requests and asks for a wake), or woken.
 * The complete set, not a diff; the edge keeps the one with the newest `changedAt` (a late
 * `DeploymentReady.v1` does not undo it). The key is the deployment id.
 */
export class DeploymentUpstreamsChangedV1 {
  static readonly topic = Topics.DeploymentUpstreamsChanged;
  static readonly type = 'DeploymentUpstreamsChanged.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @IsArray() @ArrayMaxSize(MAX_UPSTREAMS) @Matches(UPSTREAM_ADDRESS, { each: true }) upstreams!: string[];
  @IsISO8601() changedAt!: string;
}

/**
 * A request reached an edge for a container deployment that has no instances (asleep). Repeated
 * every few seconds while requests wait, so the orchestrator's side is idempotent: a deployment
 * already starting ignores it. The key is the deployment id.
 */
export class DeploymentWakeRequestedV1 {
  static readonly topic = Topics.DeploymentWakeRequested;
  static readonly type = 'DeploymentWakeRequested.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @IsISO8601() requestedAt!: string;
}

/** The newest request one edge forwarded (or held) for one container deployment. */
export class DeploymentTrafficV1 {
  @Matches(ENTITY_ID) deploymentId!: string;
  @IsISO8601() lastRequestAt!: string;
}

/**
 * Which container deployments an edge instance served since its previous report (the idle clock
 * of scale to zero). Sent at most every few seconds per edge; the key is the edge id.
 */
export class DeploymentTrafficSeenV1 {
  static readonly topic = Topics.DeploymentTrafficSeen;
  static readonly type = 'DeploymentTrafficSeen.v1';

  @Matches(EDGE_ID) edgeId!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_TRAFFIC_SEEN_DEPLOYMENTS)
  @ValidateNested({ each: true }) @Type(() => DeploymentTrafficV1)
  deployments!: DeploymentTrafficV1[];
}

/**
 * A custom domain's certificate was issued or renewed: edges load version `version` of it through
 * the certificates repository (the event carries a reference, never key material: topics are
 * retained, replicated and read by tools that log payloads). The key is the domain id.
 */
export class CertificateIssuedV1 {
  static readonly topic = Topics.CertificateIssued;
  static readonly type = 'CertificateIssued.v1';

  @Matches(ENTITY_ID) domainId!: string;
  @Matches(HOSTNAME) hostname!: string;
  @IsInt() @Min(1) version!: number;
  @IsISO8601() notAfter!: string;
}

/**
 * An HTTP-01 challenge is being validated: every edge answers
 * `http://<hostname>/.well-known/acme-challenge/<token>` with `keyAuthorization` until `expiresAt`.
 * The key authorization is public by design (the ACME server fetches it over plain HTTP).
 */
export class AcmeChallengePublishedV1 {
  static readonly topic = Topics.AcmeChallengePublished;
  static readonly type = 'AcmeChallengePublished.v1';

  @Matches(HOSTNAME) hostname!: string;
  @Matches(/^[A-Za-z0-9_-]{16,128}$/) token!: string;
  @Matches(/^[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9_-]{16,128}$/) keyAuthorization!: string;
  @IsISO8601() expiresAt!: string;
}
