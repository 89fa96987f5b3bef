import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CoreModule } from '@deploysphere/bootstrap';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument, configureApi } from '../http/configure-api';

/**
 * `npm run build` writes the API's OpenAPI document to `openapi.json` at the repo root (or the
 * path given): the SDKs are generated from it. Preview mode builds the routes without
 * instantiating a provider, so nothing connects to a database or a broker.
 */
async function main(): Promise<void> {
  @Module({ imports: [CoreModule.forRoot({ app: 'api' }), ApiModule] })
  class OpenApiModule {}
  const app = await NestFactory.create<NestExpressApplication>(OpenApiModule, { preview: true, logger: false, bodyParser: false, abortOnError: false });
  configureApi(app, { jsonBodyLimit: '1mb' });
  const target = resolve(process.argv[2] ?? 'openapi.json');
  writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
