import { createBrowserApi, DeploySphereConnectionError, DeploySphereError, type components } from '@deploysphere/sdk/browser';

export type Schemas = components['schemas'];
export type Project = Schemas['ProjectDto'];
export type Deployment = Schemas['DeploymentDto'];
export type DeploymentStatus = Deployment['status'];
export type EnvVar = Schemas['EnvVarDto'];
export type Domain = Schemas['DomainDto'];
export type ProjectGit = Schemas['ProjectGitDto'];
export type Analytics = Schemas['ProjectAnalyticsDto'];
export type AppInstance = Schemas['AppInstanceDto'];

export type Role = 'owner' | 'member' | 'viewer';
export interface TeamRef {
  id: string;
  name: string;
  slug: string;
  role?: Role;
}
export interface User {
  id: string;
  email: string;
  name: string;
}
export interface Me {
  user: User;
  team: TeamRef;
  role: Role;
  teams: TeamRef[];
}

const TEAM_KEY = 'deploysphere.team';

/** The acting team of a user in several (remembered per browser, sent as X-DeploySphere-Team). */
export const actingTeam = {
  get: (): string | undefined => localStorage.getItem(TEAM_KEY) ?? undefined,
  set: (id: string | undefined) => (id ? localStorage.setItem(TEAM_KEY, id) : localStorage.removeItem(TEAM_KEY)),
};

export const api = createBrowserApi({ team: actingTeam.get });

/**
 * The data of a call to the generated client (which throws a DeploySphereError for a
 * non-2xx answer). Routes outside the generated schema (accounts, during a rollout) go through
 * {@link request}.
 */
export async function data<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}

/** A JSON request to a path the generated schema may not list, with the same session headers and errors. */
export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const team = actingTeam.get();
  if (team) headers['X-DeploySphere-Team'] = team;
  if (method !== 'GET') {
    const csrf = readCsrf();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new DeploySphereConnectionError(location.origin, error);
  }
  if (!response.ok) throw await DeploySphereError.fromResponse(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function readCsrf(): string | undefined {
  const match = /(?:^|;\s*)ds_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/** What a failed call tells a person: the problem's code and detail. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof DeploySphereError) return { code: error.code, message: error.detail ?? error.title };
  if (error instanceof DeploySphereConnectionError) return { code: 'CONNECTION_FAILED', message: 'The API could not be reached. Check your connection and try again.' };
  return { code: 'UNEXPECTED_ERROR', message: error instanceof Error ? error.message : String(error) };
}

export function isProblem(error: unknown, status: number): boolean {
  return error instanceof DeploySphereError && error.status === status;
}
