import { previewLabel } from '@deploysphere/common';
import { idKey, parseHost, previewKey } from './host-name';
import {
  DEFAULT_PROJECT_SETTINGS,
  type AppUpstreams,
  type DeploymentRoute,
  type HostResolution,
  type ProjectRoute,
  type ProjectSettings,
  type RouteSnapshot,
} from './route.types';

const INVALID: HostResolution = Object.freeze({ kind: 'invalid' });
const PLATFORM: HostResolution = Object.freeze({ kind: 'platform' });
const UNKNOWN: HostResolution = Object.freeze({ kind: 'unknown' });

const HOST_CACHE_SIZE = 10_000;
const TOMBSTONES = 10_000;
/** Former production deployments remembered per project for skew protection. */
export const RETIRED_PER_PROJECT = 20;

/**
 * The edge's in-memory view of what every host serves; never a database query per request.
 *
 * - `<slug>.<root>` → the project's production alias;
 * - `<26-char id part>-<slug>.<root>` → that exact deployment (immutable preview; the label is
 *   exactly `previewLabel(id, slug)`, the slug cut to fit 63 characters);
 * - a verified custom domain → the production alias of the project it is attached to.
 *
 * Resolutions are memoised per raw `Host` value and the memo is dropped on every change, so a
 * change is seen by the next request while requests already resolved finish on what they had.
 * Alias moves and project routing (slug, settings) carry their time; a late or replayed event
 * never undoes a newer state, and ready/alias events name a slug only for a project not yet known.
 */
export class RouteTable {
  private byId = new Map<string, ProjectRoute>();
  private bySlug = new Map<string, ProjectRoute>();
  /** Every servable deployment by the 26-character part of its id (unique platform-wide). */
  private byKey = new Map<string, DeploymentRoute>();
  /** Custom domains: verified host name → its project, as of the verification time applied. */
  private domains = new Map<string, { projectId: string; at: number }>();
  /** Host names removed since start, with the removal time, so a late verification cannot bring one back. */
  private readonly removedDomains = new Map<string, number>();
  /** Projects deleted since start, so a late event cannot bring one back. */
  private readonly deleted = new Set<string>();
  private readonly memo = new Map<string, HostResolution>();
  /** Upstream news for deployments not known yet (the ready event travels on another topic), bounded. */
  private readonly earlyUpstreams = new Map<string, AppUpstreams>();
  /** Who waits for a deployment's instances to change (requests held while a sleeping app wakes). */
  private readonly upstreamWatchers = new Map<string, Set<() => void>>();
  private isLoaded = false;

  /**
   * @param skewWindowMs how long after the alias left a deployment a client pinned to it still
   *   gets it (skew protection); 0 turns pinning off.
   */
  constructor(
    readonly rootDomain: string,
    readonly skewWindowMs = 0,
  ) {}

  /** True once the start-up snapshot is in; until then tenant hosts are answered 503. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  resolve(rawHost: string | undefined): HostResolution {
    if (rawHost === undefined) return INVALID;
    const hit = this.memo.get(rawHost);
    if (hit !== undefined) return hit;
    const resolution = this.compute(rawHost);
    if (this.memo.size >= HOST_CACHE_SIZE) this.memo.clear();
    this.memo.set(rawHost, resolution);
    return resolution;
  }

  /** Replaces the whole table at once (start-up load). */
  replaceAll(snapshot: RouteSnapshot): void {
    const byId = new Map<string, ProjectRoute>();
    const bySlug = new Map<string, ProjectRoute>();
    const byKey = new Map<string, DeploymentRoute>();
    for (const p of snapshot.projects) {
      const project = newProject(p.id, p.slug, { ...DEFAULT_PROJECT_SETTINGS, ...p.settings }, p.updatedAt ?? 0);
      byId.set(p.id, project);
      bySlug.set(p.slug, project);
    }
    for (const d of snapshot.deployments) {
      const project = byId.get(d.projectId);
      if (!project) continue;
      const app = d.upstreams === undefined ? undefined : { upstreams: d.upstreams, at: 0 };
      addToProject(project, byKey, { id: d.id, key: idKey(d.id), projectId: d.projectId, manifestKey: d.manifestKey, app });
    }
    for (const p of snapshot.projects) {
      if (!p.productionDeploymentId) continue;
      const project = byId.get(p.id)!;
      project.production = project.byKey.get(idKey(p.productionDeploymentId));
      project.aliasAt = p.aliasAt ?? 0;
    }
    const left = snapshot.deployments.filter((d) => d.leftProductionAt !== undefined).sort((a, b) => a.leftProductionAt! - b.leftProductionAt!);
    for (const d of left) {
      const project = byId.get(d.projectId);
      if (project) retire(project, d.id, d.leftProductionAt!);
    }
    const domains = new Map<string, { projectId: string; at: number }>();
    for (const d of snapshot.domains) if (byId.has(d.projectId)) domains.set(d.domain.toLowerCase(), { projectId: d.projectId, at: d.verifiedAt ?? 0 });
    this.byId = byId;
    this.bySlug = bySlug;
    this.byKey = byKey;
    this.domains = domains;
    this.isLoaded = true;
    this.changed();
  }

  /**
   * Applies a project's routing view (slug and settings) as of `at`. Returns false when ignored:
   * deleted, or older than what the table holds (a replayed event never renames a project back).
   */
  upsertProject(id: string, slug: string, settings: ProjectSettings, at: number): boolean {
    if (this.deleted.has(id)) return false;
    let project = this.byId.get(id);
    if (!project) {
      project = newProject(id, slug, { ...settings }, at);
      this.byId.set(id, project);
    } else {
      if (at < project.settingsAt) return false;
      project.settings = { ...settings };
      project.settingsAt = at;
    }
    this.claimSlug(project, slug);
    this.changed();
    return true;
  }

  /** The project, created with default settings when unknown; an existing project keeps its slug. */
  private ensureProject(id: string, slug: string): ProjectRoute | undefined {
    if (this.deleted.has(id)) return undefined;
    let project = this.byId.get(id);
    if (!project) {
      project = newProject(id, slug, DEFAULT_PROJECT_SETTINGS, 0);
      this.byId.set(id, project);
      this.claimSlug(project, slug);
    }
    return project;
  }

  /**
   * Makes a READY deployment servable at its preview host (and creates its project if new). A
   * server app's `upstreams` as of `at` (its ready time) apply unless newer news is held.
   */
  addDeployment(deployment: { id: string; projectId: string; manifestKey?: string; upstreams?: string[] }, slug: string, at = 0): boolean {
    const project = this.ensureProject(deployment.projectId, slug);
    if (!project) return false;
    const key = idKey(deployment.id);
    let route = project.byKey.get(key);
    if (route === undefined) {
      route = { id: deployment.id, key, projectId: deployment.projectId, manifestKey: deployment.manifestKey };
      addToProject(project, this.byKey, route);
      this.changed();
    }
    if (deployment.upstreams !== undefined) this.applyUpstreams(route, { upstreams: deployment.upstreams, at });
    const early = this.earlyUpstreams.get(deployment.id);
    if (early !== undefined && route.app !== undefined) {
      this.earlyUpstreams.delete(deployment.id);
      this.applyUpstreams(route, early);
    }
    return true;
  }

  /**
   * A server app's instances as of `at` (crash replacement, sleep = [], wake). Applies when newer
   * than what the route holds; for a deployment not known yet it is kept until its ready event.
   */
  setUpstreams(deploymentId: string, upstreams: string[], at: number): boolean {
    const route = this.byKey.get(idKey(deploymentId));
    if (route === undefined || route.id !== deploymentId || route.app === undefined) {
      const held = this.earlyUpstreams.get(deploymentId);
      if (held !== undefined && held.at > at) return false;
      this.earlyUpstreams.delete(deploymentId);
      this.earlyUpstreams.set(deploymentId, { upstreams, at });
      if (this.earlyUpstreams.size > TOMBSTONES) this.earlyUpstreams.delete(this.earlyUpstreams.keys().next().value!);
      return false;
    }
    return this.applyUpstreams(route, { upstreams, at });
  }

  private applyUpstreams(route: DeploymentRoute, next: AppUpstreams): boolean {
    if (route.app !== undefined && next.at < route.app.at) return false;
    route.app = { upstreams: [...next.upstreams], at: next.at };
    const watchers = this.upstreamWatchers.get(route.id);
    if (watchers !== undefined) for (const watcher of [...watchers]) watcher();
    return true;
  }

  /** Calls `onChange` after each change of the deployment's instances, until the returned function is called. */
  watchUpstreams(deploymentId: string, onChange: () => void): () => void {
    let watchers = this.upstreamWatchers.get(deploymentId);
    if (watchers === undefined) this.upstreamWatchers.set(deploymentId, (watchers = new Set()));
    watchers.add(onChange);
    return () => {
      watchers.delete(onChange);
      if (watchers.size === 0 && this.upstreamWatchers.get(deploymentId) === watchers) this.upstreamWatchers.delete(deploymentId);
    };
  }

  /**
   * Points the project's production host at `deploymentId`. The alias and ready events travel
   * on different topics, so the deployment may not be known yet: the alias creates it.
   * The deployment it replaces (`previousDeploymentId`, and whatever the table held) is
   * remembered as left at `at`, even when the move itself is older than the table's.
   */
  moveAlias(projectId: string, slug: string, deploymentId: string, at: number, previousDeploymentId?: string): boolean {
    if (!this.addDeployment({ id: deploymentId, projectId }, slug)) return false;
    const project = this.byId.get(projectId)!;
    if (previousDeploymentId !== undefined && previousDeploymentId !== deploymentId) retire(project, previousDeploymentId, at);
    if (at < project.aliasAt) return false;
    const replaced = project.production;
    if (replaced !== undefined && replaced.id !== deploymentId) retire(project, replaced.id, at);
    project.production = project.byKey.get(idKey(deploymentId));
    project.aliasAt = at;
    this.changed();
    return true;
  }

  /**
   * The deployment a client pinned to `deploymentId` (its skew cookie) gets on the project's
   * production host: the live one, or one the alias left less than the skew window ago, and
   * only a READY deployment of this very project. Undefined otherwise: the pin is ignored.
   */
  pinned(project: ProjectRoute, deploymentId: string, now: number): DeploymentRoute | undefined {
    const deployment = project.byKey.get(idKey(deploymentId));
    if (deployment === undefined || deployment.id !== deploymentId) return undefined;
    if (deployment === project.production) return deployment;
    const leftAt = project.retired.get(deploymentId);
    return leftAt !== undefined && now - leftAt < this.skewWindowMs ? deployment : undefined;
  }

  /** The live deployment, then those the alias left within the skew window, most recently left first. */
  recentProduction(project: ProjectRoute, now: number): DeploymentRoute[] {
    const recent: Array<{ deployment: DeploymentRoute; leftAt: number }> = [];
    for (const [id, leftAt] of project.retired) {
      const deployment = now - leftAt < this.skewWindowMs ? project.byKey.get(idKey(id)) : undefined;
      if (deployment !== undefined && deployment.id === id && deployment !== project.production) recent.push({ deployment, leftAt });
    }
    recent.sort((a, b) => b.leftAt - a.leftAt);
    const live = project.production === undefined ? [] : [project.production];
    return live.concat(recent.map((r) => r.deployment));
  }

  removeProject(projectId: string): void {
    this.deleted.add(projectId);
    if (this.deleted.size > TOMBSTONES) this.deleted.delete(this.deleted.values().next().value!);
    const project = this.byId.get(projectId);
    if (!project) return;
    this.byId.delete(projectId);
    for (const key of project.byKey.keys()) this.byKey.delete(key);
    if (this.bySlug.get(project.slug) === project) this.bySlug.delete(project.slug);
    for (const [domain, route] of this.domains) if (route.projectId === projectId) this.domains.delete(domain);
    this.changed();
  }

  /**
   * Serves a verified custom domain as the production alias of `projectId`, as of `at` (its
   * verification time). Ignored when the project was deleted, or when the table already holds a
   * later statement about the name: a newer verification, or a removal at or after `at` (the
   * verified and removed events travel on different topics). With `slug`, an unknown project is
   * created, as ready and alias events do.
   */
  attachDomain(domain: string, projectId: string, at = 0, slug?: string): boolean {
    const name = domain.toLowerCase();
    if (this.deleted.has(projectId)) return false;
    const current = this.domains.get(name);
    if ((current && at < current.at) || at <= (this.removedDomains.get(name) ?? -1)) return false;
    if (slug !== undefined && !this.ensureProject(projectId, slug)) return false;
    this.domains.set(name, { projectId, at });
    this.changed();
    return true;
  }

  /**
   * Stops serving a custom domain removed at `at`. A removal older than the verification the
   * table holds belongs to an earlier attachment of the name and is ignored; a removal of a name
   * not attached (yet) is remembered, so its late verification event is ignored in turn.
   */
  detachDomain(domain: string, at = 0): boolean {
    const name = domain.toLowerCase();
    const current = this.domains.get(name);
    if (current && at < current.at) return false;
    const removedAt = Math.max(at, this.removedDomains.get(name) ?? at);
    this.removedDomains.delete(name); // re-inserted last: the oldest tombstone goes first
    this.removedDomains.set(name, removedAt);
    if (this.removedDomains.size > TOMBSTONES) this.removedDomains.delete(this.removedDomains.keys().next().value!);
    if (current) {
      this.domains.delete(name);
      this.changed();
    }
    return true;
  }

  /** Whether the verified custom domain `name` (lower-case, no port) is served. */
  hasDomain(name: string): boolean {
    const domain = this.domains.get(name);
    return domain !== undefined && this.byId.has(domain.projectId);
  }

  project(id: string): ProjectRoute | undefined {
    return this.byId.get(id);
  }

  stats(): { projects: number; deployments: number; domains: number } {
    return { projects: this.byId.size, deployments: this.byKey.size, domains: this.domains.size };
  }

  /** A known deployment by id (the proxy re-reads a server app's instances while a request waits). */
  deployment(id: string): DeploymentRoute | undefined {
    const route = this.byKey.get(idKey(id));
    return route?.id === id ? route : undefined;
  }

  private compute(rawHost: string): HostResolution {
    const host = parseHost(rawHost, this.rootDomain);
    switch (host.kind) {
      case 'invalid':
        return INVALID;
      case 'platform':
        return PLATFORM;
      case 'tenant':
        return this.resolveLabel(host.label);
      case 'custom': {
        const domain = this.domains.get(host.name);
        const project = domain === undefined ? undefined : this.byId.get(domain.projectId);
        return project ? production(project) : UNKNOWN;
      }
    }
  }

  private resolveLabel(label: string): HostResolution {
    // A preview label wins over a project whose slug happens to look like one, so nobody can
    // shadow another project's preview URL by choosing a slug such as `<id-prefix>-<victim>`.
    const key = previewKey(label);
    const deployment = key === undefined ? undefined : this.byKey.get(key);
    if (deployment) {
      const project = this.byId.get(deployment.projectId);
      if (project && previewLabel(deployment.id, project.slug) === label) return Object.freeze({ kind: 'deployment', project, deployment, preview: true });
    }
    const project = this.bySlug.get(label);
    return project ? production(project) : UNKNOWN;
  }

  private claimSlug(project: ProjectRoute, slug: string): void {
    if (project.slug === slug && this.bySlug.get(slug) === project) return;
    if (this.bySlug.get(project.slug) === project) this.bySlug.delete(project.slug);
    // Slugs are unique in the database; an event naming this slug for this project is newer
    // than whatever other project held it in our view (renamed or deleted since).
    project.slug = slug;
    this.bySlug.set(slug, project);
  }

  private changed(): void {
    this.memo.clear();
  }
}

function newProject(id: string, slug: string, settings: Readonly<ProjectSettings>, settingsAt: number): ProjectRoute {
  return { id, slug, settings, settingsAt, production: undefined, aliasAt: 0, byKey: new Map(), retired: new Map() };
}

/** Remembers that the alias left `deploymentId` at `at` (the latest time wins); when full, the one left longest ago goes. */
function retire(project: ProjectRoute, deploymentId: string, at: number): void {
  const known = project.retired.get(deploymentId);
  if (known !== undefined && known >= at) return;
  if (known === undefined && project.retired.size >= RETIRED_PER_PROJECT) {
    let oldest: string | undefined;
    for (const [id, leftAt] of project.retired) if (oldest === undefined || leftAt < project.retired.get(oldest)!) oldest = id;
    if (project.retired.get(oldest!)! >= at) return;
    project.retired.delete(oldest!);
  }
  project.retired.set(deploymentId, at);
}

function production(project: ProjectRoute): HostResolution {
  return project.production
    ? Object.freeze({ kind: 'deployment', project, deployment: project.production, preview: false })
    : Object.freeze({ kind: 'no-deployment', project });
}

function addToProject(project: ProjectRoute, byKey: Map<string, DeploymentRoute>, deployment: DeploymentRoute): void {
  if (project.byKey.has(deployment.key)) return;
  project.byKey.set(deployment.key, deployment);
  byKey.set(deployment.key, deployment);
}
