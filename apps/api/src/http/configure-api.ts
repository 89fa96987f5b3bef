import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@deploysphere/common';
import { dashboardStatic } from '../dashboard/dashboard-static.middleware';
import { observeHttp } from '@deploysphere/observability';
import { BODY_IDLE_TIMEOUT_MS, bodyTimeout } from './body-timeout.middleware';
import { BodyRequiredInterceptor } from './body-required.interceptor';
import { jsonBodyParser, MAX_JSON_DEPTH, rawJsonBodyParser } from './json-body.parser';
import { methodNotAllowed } from './method-not-allowed.middleware';
import { applyDocumentRules } from './openapi-rules';
import { ProblemDetailsFilter } from './problem-details.filter';
import { createValidationPipe } from './validation.pipe';

/** Where bodies are kept as the bytes received (signed webhooks), not parsed into a DTO. */
const RAW_BODY_PATH = '/v1/webhooks';

/** Media types a request body may have; anything else is 415 before it is parsed. */
const ACCEPTED_BODY_TYPES = ['application/json', 'application/gzip', 'application/x-gzip'];

function rejectUnsupportedBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.path.startsWith('/docs')) return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ACCEPTED_BODY_TYPES.includes(type)) return next();
  next(
    new DomainError(
      'unsupported_media_type',
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be application/json (or application/gzip for a source upload)${type ? `, not ${type}` : ''}`,
    ),
  );
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('DeploySphere API')
    .setDescription(
      'Projects, deployments, environment variables, API tokens, accounts and teams. Authenticate with `Authorization: Bearer <token>`, ' +
        'or as a signed-in user with the `ds_session` cookie (state-changing requests then send `X-CSRF-Token`); `x-deploysphere-requires` ' +
        'on each operation names the role it needs (viewer, member, owner), `signed-in`, or `operator` (the installation\'s admin token). ' +
        'Every error is `application/problem+json` (RFC 9457) with a stable `code`.\n\n' +
        `Request bodies: a body is JSON nested at most ${MAX_JSON_DEPTH} levels deep; a field the schema does not list, ` +
        '`null` where a field is not nullable, and a C0 control character in a string (beyond what its pattern allows) are ' +
        `422 \`VALIDATION_FAILED\` naming the field. A request body (JSON, or a source archive) that stalls for ${BODY_IDLE_TIMEOUT_MS / 1000} s ` +
        '(e.g. shorter than its Content-Length) is answered 408 `BODY_TIMEOUT` and its connection closed. A documented path asked with ' +
        'another method is 405 `METHOD_NOT_ALLOWED` with an `Allow` header.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token' })
    .addCookieAuth(
      'ds_session',
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'A signed-in session (POST /v1/auth/sign-in), accepted wherever a bearer token is. A request that changes state must repeat the ds_csrf cookie in X-CSRF-Token.',
      },
      'session',
    )
    .build();
  return applyDocumentRules(describeArchiveBodies(SwaggerModule.createDocument(app, config, { operationIdFactory: (_c, method) => method })), [RAW_BODY_PATH]);
}

/** A gzip request body is always an archive, whatever schema the route declared for its JSON body. */
function describeArchiveBodies(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.patch, item.delete]) {
      const body = operation?.requestBody;
      if (!body || !('content' in body)) continue;
      for (const type of Object.keys(body.content)) {
        if (type === 'application/gzip') body.content[type] = { schema: { type: 'string', format: 'binary', description: 'A gzipped tar archive' } };
      }
    }
  }
  return document;
}

/** Everything the API's HTTP surface needs, shared by the api process and the all-in-one platform. */
export function configureApi(app: NestExpressApplication, options: { jsonBodyLimit: string; webhookBodyLimit?: string; gatewayPort?: number }): void {
  app.disable('x-powered-by');
  app.use(observeHttp('api'));
  // The web dashboard at `/` (GET only; never /v1, /docs or /socket.io).
  app.use(dashboardStatic({ gatewayPort: options.gatewayPort }));
  app.use(bodyTimeout());
  let document: OpenAPIObject | undefined;
  const openApiDocument = () => (document ??= buildOpenApiDocument(app));
  app.use(methodNotAllowed(openApiDocument));
  app.use(rejectUnsupportedBodies);
  // Webhooks are verified over their exact bytes; the JSON parser below skips a body already read.
  app.use(RAW_BODY_PATH, rawJsonBodyParser(options.webhookBodyLimit ?? '25mb'));
  app.use(jsonBodyParser(options.jsonBodyLimit));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalInterceptors(new BodyRequiredInterceptor());
  app.useGlobalFilters(new ProblemDetailsFilter());
  SwaggerModule.setup('docs', app, openApiDocument, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'DeploySphere API',
  });
}
