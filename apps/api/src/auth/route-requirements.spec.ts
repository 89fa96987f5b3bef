import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { PUBLIC_ROUTE } from '@deploysphere/bootstrap';
import { ROLES } from '@deploysphere/auth';
import { ApiModule } from '../api.module';
import { REQUIREMENT } from './auth.decorators';

type ModuleRef = Type<unknown> | { module: Type<unknown>; controllers?: Type<unknown>[]; imports?: unknown[] };

/** Every controller of a module and of the modules it imports, as Nest composes them. */
function controllersOf(root: ModuleRef, seen = new Set<unknown>()): Type<unknown>[] {
  const type = 'module' in root ? root.module : root;
  if (seen.has(type)) return [];
  seen.add(type);
  const dynamic: { controllers?: Type<unknown>[]; imports?: unknown[] } = 'module' in root ? root : {};
  const controllers = [...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, type) ?? []), ...(dynamic.controllers ?? [])];
  const imports = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []), ...(dynamic.imports ?? [])];
  return [...controllers, ...imports.filter((m): m is ModuleRef => typeof m === 'function' || (typeof m === 'object' && m !== null && 'module' in m)).flatMap((m) => controllersOf(m, seen))];
}

/** `GET /v1/projects/:projectId` → what the route declares: a requirement, `public`, or nothing. */
function routes(): Array<{ route: string; declared: string | undefined }> {
  return controllersOf(ApiModule).flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(proto)
      .filter((name) => name !== 'constructor')
      .map((name) => proto[name])
      .filter((handler): handler is object => typeof handler === 'function' && Reflect.getMetadata(PATH_METADATA, handler) !== undefined)
      .map((handler) => {
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const path = `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        const isPublic = Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller);
        const requirement = Reflect.getMetadata(REQUIREMENT, handler) ?? Reflect.getMetadata(REQUIREMENT, controller);
        return { route: `${method} ${path}`, declared: isPublic ? 'public' : requirement };
      });
  });
}

describe('every API route declares who may call it', () => {
  const all = routes();

  it('finds the routes (the walk reaches every feature module)', () => {
    const names = all.map((r) => r.route);
    for (const expected of ['POST /v1/projects', 'GET /v1/auth/me', 'POST /v1/auth/sign-in', 'PATCH /v1/team/members/:userId', 'GET /healthz']) expect(names).toContain(expected);
    expect(all.length).toBeGreaterThanOrEqual(50);
  });

  it('has a role, signed-in, operator or public on each', () => {
    const valid = new Set<string>([...ROLES, 'signed-in', 'operator', 'public']);
    expect(all.filter((r) => !r.declared || !valid.has(r.declared)).map((r) => r.route)).toEqual([]);
  });

  it('keeps team administration for owners and the installation for the operator', () => {
    const declared = Object.fromEntries(all.map((r) => [r.route, r.declared]));
    expect(declared).toMatchObject({
      'GET /v1/team/members': 'viewer',
      'PATCH /v1/team/members/:userId': 'owner',
      'DELETE /v1/team/members/:userId': 'owner',
      'POST /v1/team/invitations': 'owner',
      'GET /v1/team/invitations': 'owner',
      'DELETE /v1/team/invitations/:invitationId': 'owner',
      'GET /v1/team/tokens': 'owner',
      'POST /v1/team/tokens': 'owner',
      'DELETE /v1/team/tokens/:tokenId': 'owner',
      'POST /v1/teams': 'operator',
      'GET /v1/teams': 'operator',
      'POST /v1/teams/:teamId/tokens': 'operator',
      'POST /v1/projects/:projectId/deployments': 'member',
      'POST /v1/projects/:projectId/env': 'member',
      'GET /v1/projects/:projectId/env': 'viewer',
    });
    const publicRoutes = all.filter((r) => r.declared === 'public').map((r) => r.route).sort();
    expect(publicRoutes).toEqual(
      [
        'GET /healthz',
        'GET /livez',
        // Open unless METRICS_TOKEN is set, which the endpoint checks itself (docs/operations.md).
        'GET /metrics',
        'GET /readyz',
        'GET /v1/auth/invitations/:token',
        'GET /v1/auth/setup',
        'POST /v1/auth/invitations/:token/accept',
        'POST /v1/auth/setup',
        'POST /v1/auth/sign-in',
        'POST /v1/auth/sign-out',
        'POST /v1/webhooks/git/:projectId',
      ].sort(),
    );
  });
});
