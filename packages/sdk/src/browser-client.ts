import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema';
import { DeploySphereConnectionError, DeploySphereError } from './problem.error';

export interface BrowserApiOptions {
  /** Base URL of the API; default: the page's own origin. */
  apiUrl?: string;
  /** The acting team (`X-DeploySphere-Team`) of a user with several teams. */
  team?: () => string | undefined;
  /** The CSRF token a state-changing request echoes (the `ds_csrf` cookie by default). */
  csrfToken?: () => string | undefined;
}

/** What this file reads of a page, typed here: the package compiles without the DOM library. */
const page = globalThis as { location?: { origin: string }; document?: { cookie: string } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CSRF_COOKIE = 'ds_csrf';

/**
 * The generated client as a browser page uses it: authenticated by the session cookie (sent
 * same-origin), a state-changing request carrying `X-CSRF-Token` (double-submit of the
 * `ds_csrf` cookie), every non-2xx answer thrown as a {@link DeploySphereError}.
 */
export function createBrowserApi(options: BrowserApiOptions = {}): Client<paths> {
  const csrf = options.csrfToken ?? (() => readCookie(CSRF_COOKIE));
  const baseUrl = (options.apiUrl ?? page.location?.origin ?? '').replace(/\/+$/, '');
  const client = createClient<paths>({
    baseUrl,
    credentials: 'same-origin',
    fetch: (request: Request) =>
      fetch(request).catch((error: Error) => {
        if (error.name === 'AbortError') throw error;
        throw new DeploySphereConnectionError(baseUrl || 'the API', error);
      }),
  });
  const session: Middleware = {
    onRequest({ request }) {
      const team = options.team?.();
      if (team) request.headers.set('X-DeploySphere-Team', team);
      if (!SAFE_METHODS.has(request.method)) {
        const token = csrf();
        if (token) request.headers.set('X-CSRF-Token', token);
      }
      return request;
    },
    async onResponse({ response }) {
      if (!response.ok) throw await DeploySphereError.fromResponse(response.clone());
      return undefined;
    },
  };
  client.use(session);
  return client;
}

/** One cookie of `document.cookie`, decoded. */
export function readCookie(name: string): string | undefined {
  const jar = page.document?.cookie ?? '';
  for (const part of jar.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
