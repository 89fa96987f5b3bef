/**
 * Per-project serving settings. The projects table has no columns for them yet; until it does
 * every project gets the defaults, and `ProjectRoutingChanged.v1` can already carry them.
 */
export interface ProjectSettings {
  /** `/about` serves `about.html`; `/about.html` redirects to `/about`. */
  cleanUrls: boolean;
  /** A miss on a path whose last segment has no extension serves `/index.html` with 200. */
  spaFallback: boolean;
  /** A miss serves the deployment's `/404.html` with status 404 when it has one. */
  custom404: boolean;
  /** HTTPS answers carry `Strict-Transport-Security` (absent = off). */
  hsts?: boolean;
}

export const DEFAULT_PROJECT_SETTINGS: Readonly<ProjectSettings> = Object.freeze({
  cleanUrls: false,
  spaFallback: false,
  custom404: true,
  hsts: false,
});

/**
 * A server app's instances as the edge last heard of them; empty while the app sleeps (scale to
 * zero). Replaced whole by newer news (`at`), never edited in place by requests.
 */
export interface AppUpstreams {
  upstreams: readonly string[];
  /** Epoch ms of the statement applied (ready or upstreams-changed), so a late one never undoes a newer one. */
  at: number;
}

/** A READY deployment the edge can serve. Its identity is immutable once added; a server app's instances change. */
export interface DeploymentRoute {
  readonly id: string;
  /** The 26-character part of the id, which preview labels carry whole. */
  readonly key: string;
  readonly projectId: string;
  readonly manifestKey?: string;
  /** Set for a server app (the edge proxies to its instances); undefined for static output. */
  app?: AppUpstreams;
}

export interface ProjectRoute {
  readonly id: string;
  slug: string;
  settings: Readonly<ProjectSettings>;
  /** Epoch ms of the settings applied, so a late event never undoes a newer one. */
  settingsAt: number;
  /** What `<slug>.<root>` serves; undefined when nothing is live. */
  production: DeploymentRoute | undefined;
  /** Epoch ms of the alias move applied (same rule as settingsAt). */
  aliasAt: number;
  /**
   * Deployments the production alias left, by id, with the epoch ms it last left each one
   * (bounded): clients pinned to one still get its files for the skew window.
   */
  readonly retired: Map<string, number>;
  readonly byKey: Map<string, DeploymentRoute>;
}

/** What a request's host resolves to. Objects are shared between requests: never mutate them. */
export type HostResolution =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'platform' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'no-deployment'; readonly project: ProjectRoute }
  | { readonly kind: 'deployment'; readonly project: ProjectRoute; readonly deployment: DeploymentRoute; readonly preview: boolean };

/** What the table is loaded from at start (the metadata database in production). */
export interface RouteSnapshot {
  projects: Array<{
    id: string;
    slug: string;
    settings?: Partial<ProjectSettings>;
    /** Epoch ms of the project row's last change (its slug and settings are as of then). */
    updatedAt?: number;
    productionDeploymentId?: string;
    /** Epoch ms of the alias row's last change. */
    aliasAt?: number;
  }>;
  deployments: Array<{
    id: string;
    projectId: string;
    manifestKey?: string;
    /** A server app's running instances (`ip:port`); absent for static output, empty while it sleeps. */
    upstreams?: string[];
    /** Epoch ms the production alias last moved away from it, if it ever did. */
    leftProductionAt?: number;
  }>;
  /** Verified custom domains, by their stored (lower-case ASCII) host name. */
  domains: Array<{
    domain: string;
    projectId: string;
    /** Epoch ms of the verification (the row's `verified_at`), so an older removal event is ignored. */
    verifiedAt?: number;
  }>;
}
