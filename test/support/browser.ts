import request from 'supertest';
import type { App } from 'supertest/types';

/** One `Set-Cookie` header, parsed: the value and the attributes (lower-case names). */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookies(headers: Record<string, unknown>): SetCookie[] {
  const raw = headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return lines.map((line) => {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const attributes: Record<string, string | true> = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      attributes[(i < 0 ? a : a.slice(0, i)).toLowerCase()] = i < 0 ? true : a.slice(i + 1);
    }
    return { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attributes };
  });
}

/**
 * A browser's view of the API: keeps the cookies the API sets (expired ones dropped) and sends
 * them back; `csrf` adds X-CSRF-Token from the ds_csrf cookie, as the dashboard does.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  team?: string;

  constructor(private readonly server: App) {}

  private keep(res: request.Response): request.Response {
    for (const c of parseSetCookies(res.headers)) {
      const expires = c.attributes.expires;
      if (c.value === '' || (typeof expires === 'string' && new Date(expires).getTime() <= Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  private send(method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: string, options: { csrf?: boolean; body?: unknown; headers?: Record<string, string> } = {}) {
    let req = request(this.server)[method](path);
    if (this.cookies.size) req = req.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; '));
    if (options.csrf !== false && method !== 'get' && this.cookies.has('ds_csrf')) req = req.set('X-CSRF-Token', this.cookies.get('ds_csrf')!);
    if (this.team) req = req.set('X-DeploySphere-Team', this.team);
    for (const [k, v] of Object.entries(options.headers ?? {})) req = req.set(k, v);
    if (options.body !== undefined) req = req.send(options.body as object);
    return req.then((res) => this.keep(res));
  }

  get(path: string, headers?: Record<string, string>) {
    return this.send('get', path, { headers });
  }
  post(path: string, body?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    return this.send('post', path, { ...options, body });
  }
  patch(path: string, body?: unknown, options: { csrf?: boolean } = {}) {
    return this.send('patch', path, { ...options, body });
  }
  put(path: string, body?: unknown, options: { csrf?: boolean } = {}) {
    return this.send('put', path, { ...options, body });
  }
  delete(path: string, options: { csrf?: boolean } = {}) {
    return this.send('delete', path, options);
  }

  async signIn(email: string, password: string): Promise<request.Response> {
    return this.post('/v1/auth/sign-in', { email, password });
  }
}
