import { connect, type AddressInfo } from 'node:net';
import { testDatabaseKinds } from '@deploysphere/testing';
import { BODY_IDLE_TIMEOUT_MS } from '../../../apps/api/src/http/body-timeout.middleware';
import { MAX_JSON_DEPTH } from '../../../apps/api/src/http/json-body.parser';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

interface Schema {
  type?: string;
  nullable?: boolean;
  pattern?: string;
  enum?: unknown[];
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  $ref?: string;
}
interface Operation {
  operationId: string;
  description?: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** Every operation whose JSON body goes through a DTO (the signed webhook reads its own). */
interface DtoRoute {
  method: string;
  path: string;
  operationId: string;
  /** Each string, boolean, number… field of the DTO, nested ones as `parent.child`, with its schema. */
  fields: Array<{ field: string; schema: Schema }>;
}

function dtoRoutes(doc: OpenApi): DtoRoute[] {
  const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s);
  // A nested DTO is a `$ref`, or `allOf: [{ $ref }]` when nullable.
  const refOf = (s: Schema & { allOf?: Schema[] }) => s.$ref ?? s.allOf?.find((p) => p.$ref)?.$ref;
  const fieldsOf = (schema: Schema, parent = ''): DtoRoute['fields'] =>
    Object.entries(resolve(schema).properties ?? {}).flatMap(([name, property]) => {
      const field = parent ? `${parent}.${name}` : name;
      const ref = refOf(property);
      return ref ? [{ field, schema: { ...resolve({ $ref: ref }), nullable: property.nullable } }, ...fieldsOf({ $ref: ref }, field)] : [{ field, schema: property }];
    });
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, op]) => {
      const schema = op.requestBody?.content['application/json']?.schema;
      if (!schema || path.startsWith('/v1/webhooks')) return [];
      return [{ method, path, operationId: op.operationId, fields: fieldsOf(schema) }];
    }),
  );
}

/** A body holding `value` at `field` (`a.b` nests). */
function bodyWith(field: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = field.split('.');
  return { [head]: rest.length ? bodyWith(rest.join('.'), value) : value };
}

describe.each(testDatabaseKinds())('API input rules on %s', (kind) => {
  let platform: TestPlatform;
  let team: { teamId: string; token: string };
  let doc: OpenApi;
  let routes: DtoRoute[];
  let ids: Record<string, string>;
  let ownerToken: string;

  beforeAll(async () => {
    platform = await startTestPlatform(kind, { BUILD_CONCURRENCY: '0' });
    team = await createTeamWithToken(platform, 'Input Rules');
    doc = (await platform.anonymous().get('/openapi.json').expect(200)).body;
    routes = dtoRoutes(doc);
    const as = platform.as(team.token);
    const project = (await as.post('/v1/projects').send({ name: 'Input', gitRepositoryUrl: 'https://git.example.com/a/b.git' }).expect(201)).body;
    const deployment = (await as.post(`/v1/projects/${project.id}/deployments`).send({}).expect(202)).body;
    const domain = (await as.post(`/v1/projects/${project.id}/domains`).send({ hostname: 'input.example.com' }).expect(201)).body;
    const token = (await as.post('/v1/tokens').send({ name: 'spare' }).expect(201)).body;
    // Team administration (/v1/team/…) is for owners: an owner token of the same team walks those routes.
    ownerToken = (await platform.as(platform.adminToken).post(`/v1/teams/${team.teamId}/tokens`).send({ name: 'owner', scopes: ['admin'] }).expect(201)).body.token;
    ids = { projectId: project.id, deploymentId: deployment.id, domainId: domain.id, teamId: team.teamId, tokenId: token.id, key: 'SOME_KEY', userId: 'usr_00000000000000000000000000' };
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const call = (route: Pick<DtoRoute, 'method' | 'path'>) => {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]);
    const token = route.path.startsWith('/v1/teams') ? platform.adminToken : route.path.startsWith('/v1/team/') ? ownerToken : team.token;
    return platform.as(token)[route.method as 'post' | 'put' | 'patch'](path);
  };
  const snapshot = async () => ({
    projects: await platform.prisma.project.findMany({ orderBy: { id: 'asc' } }),
    env: await platform.prisma.envVar.count(),
    tokens: await platform.prisma.apiToken.count(),
    teams: await platform.prisma.team.count(),
    domains: await platform.prisma.domain.count(),
  });

  it('finds the DTO routes to walk in the document', () => {
    expect(routes.map((r) => r.operationId).sort()).toEqual(
      expect.arrayContaining(['createProject', 'updateProject', 'setEnvVar', 'setProjectGit', 'createToken', 'createTeam', 'createTeamToken', 'addDomain', 'requestDeployment', 'rollbackProject']),
    );
  });

  it('refuses a NUL or another C0 control character in every string field of every DTO with 422 naming the field, and stores nothing', async () => {
    const before = await snapshot();
    for (const route of routes) {
      for (const { field, schema } of route.fields.filter((f) => f.schema.type === 'string' || f.schema.items?.type === 'string')) {
        const bad = (s: string) => (schema.type === 'array' ? [s] : s);
        for (const text of ['a\u0000b', 'a\u0001b', 'a\u001bb']) {
          const res = await call(route).send(bodyWith(field, bad(text)));
          expect({ op: route.operationId, field, text, status: res.status }).toEqual({ op: route.operationId, field, text, status: 422 });
          expect(res.body.code).toBe('VALIDATION_FAILED');
          expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(schema.type === 'array' ? `${field}.0` : field);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('takes tab and line breaks where a field documents them (an env value), and no other control character', async () => {
    const env = `/v1/projects/${ids.projectId}/env`;
    const ok = await platform.as(team.token).post(env).send({ key: 'PEM', value: '-----BEGIN-----\r\nabc\tdef\n-----END-----' }).expect(200);
    expect(ok.body.items[0].value).toBe('-----BEGIN-----\r\nabc\tdef\n-----END-----');
    for (const value of ['a\u0000b', 'a\u0007b', 'a\u000bb']) {
      expect((await platform.as(team.token).post(env).send({ key: 'PEM', value }).expect(422)).body.errors[0].field).toBe('value');
    }
    expect((await platform.as(team.token).post('/v1/projects').send({ name: 'two\nlines' }).expect(422)).body.errors[0].field).toBe('name');
  });

  it('refuses null for every field not documented nullable, and takes it where documented', async () => {
    const before = await snapshot();
    for (const route of routes) {
      for (const { field, schema } of route.fields) {
        const res = await call(route).send(bodyWith(field, null));
        const errors = (res.body.errors ?? []) as Array<{ field: string; code: string }>;
        if (schema.nullable) {
          expect({ op: route.operationId, field, nullRefused: errors.some((e) => e.field === field) }).toEqual({ op: route.operationId, field, nullRefused: false });
        } else {
          expect({ op: route.operationId, field, status: res.status }).toEqual({ op: route.operationId, field, status: 422 });
          expect(errors).toContainEqual(expect.objectContaining({ field, code: 'isNotNull' }));
        }
      }
    }
    // The nullable ones that were valid on their own changed the project; put it back for the comparison.
    const nowProjects = await platform.prisma.project.findMany({ orderBy: { id: 'asc' } });
    expect(nowProjects.map((p) => [p.id, p.name, p.productionBranch, p.cleanUrls])).toEqual(before.projects.map((p) => [p.id, p.name, p.productionBranch, p.cleanUrls]));
  });

  it('PATCH a project: null for name, productionBranch, cleanUrls, spaFallback or custom404 is 422 and changes nothing; null clears a nullable setting', async () => {
    const as = platform.as(team.token);
    const project = (await as.post('/v1/projects').send({ name: 'Nulls', buildCommand: 'make', productionBranch: 'trunk' }).expect(201)).body;
    for (const field of ['name', 'productionBranch', 'cleanUrls', 'spaFallback', 'custom404']) {
      const res = await as.patch(`/v1/projects/${project.id}`).send({ [field]: null }).expect(422);
      expect(res.body.errors).toEqual([{ field, code: 'isNotNull', message: `${field} must not be null` }]);
    }
    expect((await as.get(`/v1/projects/${project.id}`).expect(200)).body).toMatchObject({ name: 'Nulls', productionBranch: 'trunk', cleanUrls: false, custom404: true });
    expect((await as.patch(`/v1/projects/${project.id}`).send({ buildCommand: null }).expect(200)).body.buildCommand).toBeNull();
  });

  it('refuses env "secret": null, token "expiresAt": null and a PUT …/git or PATCH without a body', async () => {
    const as = platform.as(team.token);
    expect((await as.post(`/v1/projects/${ids.projectId}/env`).send({ key: 'K', value: 'v', secret: null }).expect(422)).body.errors[0]).toMatchObject({ field: 'secret', code: 'isNotNull' });
    expect((await as.post('/v1/tokens').send({ name: 'n', expiresAt: null }).expect(422)).body.errors[0]).toMatchObject({ field: 'expiresAt', code: 'isNotNull' });
    const before = (await as.get(`/v1/projects/${ids.projectId}/git`).expect(200)).body;
    for (const res of [await as.put(`/v1/projects/${ids.projectId}/git`), await as.patch(`/v1/projects/${ids.projectId}`), await as.put(`/v1/projects/${ids.projectId}/git`).set('Content-Type', 'application/json').set('Content-Length', '0')]) {
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ field: 'body', code: 'required', message: 'This operation needs a JSON body' }]);
    }
    expect((await as.get(`/v1/projects/${ids.projectId}/git`).expect(200)).body).toEqual(before);
    // A route whose body is optional (a deployment from the production branch) still takes none.
    const project = (await as.post('/v1/projects').send({ name: 'No Body', gitRepositoryUrl: 'https://git.example.com/a/c.git' }).expect(201)).body;
    await as.post(`/v1/projects/${project.id}/deployments`).expect(202);
  });

  it('treats __proto__, constructor and prototype as unknown fields on every DTO route', async () => {
    const before = await snapshot();
    for (const route of routes) {
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const res = await call(route).set('Content-Type', 'application/json').send(`{"${key}": {"isAdmin": true}}`);
        expect({ op: route.operationId, key, status: res.status }).toEqual({ op: route.operationId, key, status: 422 });
        expect(res.body.errors).toContainEqual({ field: key, code: 'unknownField', message: `${key} is not a known field` });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it(`answers JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 MALFORMED_JSON, however deep, and takes ${MAX_JSON_DEPTH}`, async () => {
    const nested = (depth: number) => `{"name": ${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    for (const depth of [MAX_JSON_DEPTH + 1, 5_000, 100_000]) {
      const res = await platform.as(team.token).post('/v1/projects').set('Content-Type', 'application/json').send(nested(depth));
      expect({ depth, status: res.status, code: res.body.code }).toEqual({ depth, status: 400, code: 'MALFORMED_JSON' });
    }
    const atLimit = await platform.as(team.token).post('/v1/projects').set('Content-Type', 'application/json').send(nested(MAX_JSON_DEPTH)).expect(422);
    expect(atLimit.body.errors[0].field).toBe('name');
  });

  it('answers another method on a documented path with 405 and Allow, an unknown path with 404', async () => {
    const trace = await platform.anonymous().trace('/v1/projects').set('Authorization', `Bearer ${team.token}`);
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, POST, HEAD');
    expect(trace.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    const del = await platform.as(team.token).delete('/v1/tokens');
    expect([del.status, del.headers.allow]).toEqual([405, 'GET, POST, HEAD']);
    const put = await platform.as(team.token).put(`/v1/projects/${ids.projectId}`).send({});
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, DELETE, PATCH, HEAD']);
    expect((await platform.as(team.token).get('/v1/nowhere').expect(404)).body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('documents the cursor it enforces: an empty or foreign one is 422 and the parameter says why', async () => {
    const cursor = (doc.paths['/v1/projects'].get as unknown as { parameters: Array<{ name: string; schema: Schema }> }).parameters.find((p) => p.name === 'cursor')!;
    expect(cursor.schema).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: 200 });
    for (const bad of ['', 'a b', 'x'.repeat(201)]) {
      expect((await platform.as(team.token).get(`/v1/projects?cursor=${encodeURIComponent(bad)}`).expect(422)).body.errors[0].field).toBe('cursor');
    }
  });

  it('names a missing env var with a code and problem type without spaces', async () => {
    const res = await platform.as(team.token).delete(`/v1/projects/${ids.projectId}/env/NOT_THERE`).expect(404);
    expect(res.body).toMatchObject({ code: 'ENV_VAR_NOT_FOUND', type: 'urn:deploysphere:problem:env-var-not-found' });
  });

  it(`answers a body shorter than its Content-Length with 408 BODY_TIMEOUT after ${BODY_IDLE_TIMEOUT_MS / 1000} s idle and closes the connection`, async () => {
    const server = platform.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.write(
      `POST /v1/projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${team.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name": "short`,
    );
    await closed;
    const elapsed = Date.now() - started;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toMatch(/"code":"BODY_TIMEOUT"/);
    expect(received.toLowerCase()).toMatch(/connection: close/);
    expect(elapsed).toBeGreaterThanOrEqual(BODY_IDLE_TIMEOUT_MS - 500);
    expect(elapsed).toBeLessThan(BODY_IDLE_TIMEOUT_MS + 20_000);
    expect(await platform.prisma.project.count({ where: { name: 'short' } })).toBe(0);
  }, 60_000);

  describe('the OpenAPI document', () => {
    const operations = () => Object.values(doc.paths).flatMap((item) => Object.values(item));

    it('documents every error response as application/problem+json and 400 on every operation', () => {
      for (const op of operations()) {
        expect({ op: op.operationId, has400: '400' in op.responses }).toEqual({ op: op.operationId, has400: true });
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect({ op: op.operationId, status, types: Object.keys(response.content ?? {}) }).toEqual({ op: op.operationId, status, types: ['application/problem+json'] });
        }
      }
    });

    it('gives every request field a real type, closes every request object, and states its character rules', () => {
      for (const route of routes) {
        for (const { field, schema } of route.fields) {
          // An object is only ever a nested DTO with its own properties (git credential), never an untyped field.
          if (schema.type === 'object') expect({ op: route.operationId, field, properties: !!schema.properties }).toEqual({ op: route.operationId, field, properties: true });
          expect(schema.type).toBeDefined();
          if (schema.type === 'string' && !schema.enum && !schema.format) expect({ op: route.operationId, field, pattern: typeof schema.pattern }).toEqual({ op: route.operationId, field, pattern: 'string' });
        }
      }
      for (const name of ['UpdateProjectRequestDto', 'CreateProjectRequestDto', 'SetEnvVarRequestDto', 'SetProjectGitRequestDto', 'GitCredentialRequestDto', 'CreateTokenRequestDto']) {
        expect({ name, additionalProperties: doc.components.schemas[name].additionalProperties }).toEqual({ name, additionalProperties: false });
      }
      const update = doc.components.schemas.UpdateProjectRequestDto.properties!;
      for (const field of ['rootDirectory', 'installCommand', 'buildCommand', 'outputDirectory', 'gitRepositoryUrl']) expect(update[field]).toMatchObject({ type: 'string', nullable: true });
      expect(update.buildTimeoutSeconds).toMatchObject({ type: 'integer', nullable: true });
      expect(update.framework.enum).toContain(null);
      expect(doc.components.schemas.SetEnvVarRequestDto.properties!.key.pattern).toBe('^[A-Za-z_][A-Za-z0-9_]{0,254}$');
    });

    it('says that a token can revoke itself', () => {
      expect(doc.paths['/v1/tokens/{tokenId}'].delete.description).toMatch(/revoke itself/);
    });
  });
});
