import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { Readable } from 'node:stream';
import type { components, operations, paths } from './generated/schema';
import { followLogs, type FollowLogsOptions } from './live-logs';
import { TERMINAL_STATUSES, type LogLine } from './live-logs.protocol';
import { paginate, type Page } from './pagination';
import { DeploySphereConnectionError, DeploySphereError } from './problem.error';
import { packDirectory, type PackProgress } from './source-archive';

type Schemas = components['schemas'];
export type Project = Schemas['ProjectDto'];
export type Deployment = Schemas['DeploymentDto'];
export type EnvVar = Schemas['EnvVarDto'];
export type Domain = Schemas['DomainDto'];
export type Alias = Schemas['AliasDto'];
export type Token = Schemas['TokenDto'];
export type Team = Schemas['TeamDto'];
export type StoredLogLine = Schemas['LogLineDto'];
export type ProjectAnalytics = Schemas['ProjectAnalyticsDto'];
export type AnalyticsQuery = NonNullable<operations['getProjectAnalytics']['parameters']['query']>;
export type CreateProjectInput = Schemas['CreateProjectRequestDto'];
export type SetEnvVarInput = Schemas['SetEnvVarRequestDto'];
export type DeploymentTarget = Deployment['target'];
export type LogQuery = Omit<NonNullable<operations['getDeploymentLogs']['parameters']['query']>, 'cursor'>;

export interface DeploySphereOptions {
  /** Base URL of the API, e.g. `http://localhost:3000`. */
  apiUrl: string;
  token: string;
  /** Socket.IO gateway for live logs; default: the API's host on port 3001 (the platform's default). */
  gatewayUrl?: string;
  fetch?: typeof fetch;
}

export interface UploadOptions {
  target?: DeploymentTarget;
  onProgress?: (progress: PackProgress) => void;
  signal?: AbortSignal;
}

/**
 * The DeploySphere API, typed from its OpenAPI document. `api` is the generated client for
 * every operation; the methods below unwrap its answers (a non-2xx answer throws a
 * {@link DeploySphereError} with the problem's `code`) and add what a generator cannot:
 * pagination, directory upload and live logs.
 */
export class DeploySphere {
  readonly api: Client<paths>;
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  private readonly token: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: DeploySphereOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.gatewayUrl = options.gatewayUrl ?? defaultGatewayUrl(this.apiUrl);
    const baseFetch = options.fetch ?? fetch;
    this.fetchImpl = async (input, init) => {
      try {
        return await baseFetch(input, init);
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        throw new DeploySphereConnectionError(this.apiUrl, error);
      }
    };
    this.api = createClient<paths>({ baseUrl: this.apiUrl, headers: { Authorization: `Bearer ${this.token}` }, fetch: (request: Request) => this.fetchImpl(request) });
    this.api.use(throwProblems);
  }

  readonly projects = {
    list: (cursor?: string, limit?: number) => this.data(this.api.GET('/v1/projects', { params: { query: { cursor, limit } } })),
    all: () => paginate<Project>((cursor) => this.projects.list(cursor, 100)),
    get: (projectId: string) => this.data(this.api.GET('/v1/projects/{projectId}', { params: { path: { projectId } } })),
    create: (input: CreateProjectInput) => this.data(this.api.POST('/v1/projects', { body: input })),
    remove: (projectId: string) => this.done(this.api.DELETE('/v1/projects/{projectId}', { params: { path: { projectId } } })),
    rollback: (projectId: string, deploymentId?: string) =>
      this.data(this.api.POST('/v1/projects/{projectId}/rollback', { params: { path: { projectId } }, body: deploymentId ? { deploymentId } : {} })),
    /** Traffic per interval from the edge's access logs (every deployment of the project). */
    analytics: (projectId: string, query: AnalyticsQuery = {}) =>
      this.data(this.api.GET('/v1/projects/{projectId}/analytics', { params: { path: { projectId }, query } })),
  };

  readonly deployments = {
    list: (projectId: string, cursor?: string, limit?: number) =>
      this.data(this.api.GET('/v1/projects/{projectId}/deployments', { params: { path: { projectId }, query: { cursor, limit } } })),
    all: (projectId: string) => paginate<Deployment>((cursor) => this.deployments.list(projectId, cursor, 100)),
    get: (deploymentId: string) => this.data(this.api.GET('/v1/deployments/{deploymentId}', { params: { path: { deploymentId } } })),
    /** Builds a git ref (the project's production branch when omitted). */
    fromGit: (projectId: string, options: { target?: DeploymentTarget; gitRef?: string; commitSha?: string } = {}) =>
      this.data(this.api.POST('/v1/projects/{projectId}/deployments', { params: { path: { projectId }, query: { target: options.target } }, body: { gitRef: options.gitRef, commitSha: options.commitSha } })),
    /** Uploads a folder (ignore rules: {@link listSourceFiles}) as a streamed gzipped tar and starts its build. */
    upload: (projectId: string, dir: string, options: UploadOptions = {}) => this.uploadDirectory(projectId, dir, options),
    cancel: (deploymentId: string) => this.data(this.api.POST('/v1/deployments/{deploymentId}/cancel', { params: { path: { deploymentId } } })),
    promote: (deploymentId: string) => this.data(this.api.POST('/v1/deployments/{deploymentId}/promote', { params: { path: { deploymentId } } })),
    /** Polls until the deployment has ended (READY, FAILED, CANCELED, TIMED_OUT, CRASHED). */
    waitUntilDone: async (deploymentId: string, options: { intervalMs?: number; timeoutMs?: number } = {}) => {
      const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
      for (;;) {
        const deployment = await this.deployments.get(deploymentId);
        if (TERMINAL_STATUSES.includes(deployment.status)) return deployment;
        if (Date.now() > deadline) throw new Error(`deployment ${deploymentId} is still ${deployment.status}`);
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
      }
    },
  };

  readonly logs = {
    /** One page of the stored build log. */
    page: (deploymentId: string, query: LogQuery & { cursor?: string } = {}) =>
      this.data(this.api.GET('/v1/deployments/{deploymentId}/logs', { params: { path: { deploymentId }, query } })),
    /** Every stored line matching `query`, page by page. */
    all: (deploymentId: string, query: LogQuery = {}) => paginate<StoredLogLine>((cursor) => this.logs.page(deploymentId, { ...query, cursor })),
    /** The live build log through the gateway: backlog, then lines as they come, until the build ends. */
    follow: (deploymentId: string, options?: FollowLogsOptions): AsyncGenerator<LogLine, unknown> => followLogs(this.gatewayUrl, this.token, deploymentId, options),
  };

  readonly env = {
    list: (projectId: string) => this.data(this.api.GET('/v1/projects/{projectId}/env', { params: { path: { projectId } } })),
    set: (projectId: string, input: SetEnvVarInput) => this.data(this.api.POST('/v1/projects/{projectId}/env', { params: { path: { projectId } }, body: input })),
    remove: (projectId: string, key: string, target?: DeploymentTarget) =>
      this.done(this.api.DELETE('/v1/projects/{projectId}/env/{key}', { params: { path: { projectId, key }, query: { target } } })),
  };

  readonly domains = {
    list: (projectId: string, cursor?: string) => this.data(this.api.GET('/v1/projects/{projectId}/domains', { params: { path: { projectId }, query: { cursor, limit: 100 } } })),
    all: (projectId: string) => paginate<Domain>((cursor) => this.domains.list(projectId, cursor)),
    add: (projectId: string, hostname: string) => this.data(this.api.POST('/v1/projects/{projectId}/domains', { params: { path: { projectId } }, body: { hostname } })),
    verify: (projectId: string, domainId: string) => this.data(this.api.POST('/v1/projects/{projectId}/domains/{domainId}/verify', { params: { path: { projectId, domainId } } })),
    remove: (projectId: string, domainId: string) => this.done(this.api.DELETE('/v1/projects/{projectId}/domains/{domainId}', { params: { path: { projectId, domainId } } })),
  };

  readonly tokens = {
    list: (cursor?: string) => this.data(this.api.GET('/v1/tokens', { params: { query: { cursor } } })),
  };

  readonly teams = {
    list: (cursor?: string) => this.data(this.api.GET('/v1/teams', { params: { query: { cursor } } })),
  };

  private async uploadDirectory(projectId: string, dir: string, options: UploadOptions): Promise<Deployment> {
    const archive = packDirectory(dir, options.onProgress);
    const url = new URL(`${this.apiUrl}/v1/projects/${encodeURIComponent(projectId)}/deployments`);
    if (options.target) url.searchParams.set('target', options.target);
    const response = await this.fetchImpl(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/gzip' },
      body: Readable.toWeb(archive.stream) as ReadableStream<Uint8Array>,
      signal: options.signal,
      duplex: 'half',
    } as RequestInit);
    if (!response.ok) throw await DeploySphereError.fromResponse(response);
    return (await response.json()) as Deployment;
  }

  private async data<T>(call: Promise<{ data?: T }>): Promise<T> {
    return (await call).data as T;
  }

  private async done(call: Promise<unknown>): Promise<void> {
    await call;
  }
}

/** Turns every non-2xx answer into a thrown {@link DeploySphereError}. */
const throwProblems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await DeploySphereError.fromResponse(response.clone());
    return undefined;
  },
};

function defaultGatewayUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  url.port = '3001';
  url.pathname = '';
  return url.toString().replace(/\/+$/, '');
}

export type { Page };
