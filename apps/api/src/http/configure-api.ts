import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@deploysphere/common';
import { jsonBodyParser } from './json-body.parser';
import { ProblemDetailsFilter } from './problem-details.filter';
import { createValidationPipe } from './validation.pipe';

/** Media types a request body may have; anything else is 415 before it is parsed. */
const ACCEPTED_BODY_TYPES = ['application/json', 'application/gzip', 'application/x-gzip'];

function rejectUnsupportedBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.path.startsWith('/docs')) return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (ACCEPTED_BODY_TYPES.includes(type)) return next();
  next(new DomainError('unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json${type ? `, not ${type}` : ''}`));
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('DeploySphere API')
    .setDescription(
      'Projects, deployments, environment variables and API tokens. Authenticate with `Authorization: Bearer <token>`. ' +
        'Every error is `application/problem+json` (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API token' })
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (_c, method) => method });
}

/** Everything the API's HTTP surface needs, shared by the api process and the all-in-one platform. */
export function configureApi(app: NestExpressApplication, options: { jsonBodyLimit: string }): void {
  app.disable('x-powered-by');
  app.use(rejectUnsupportedBodies);
  app.use(jsonBodyParser(options.jsonBodyLimit));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'DeploySphere API',
  });
}
