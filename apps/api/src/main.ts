import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CoreModule, listen, runApp } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { ApiModule } from './api.module';
import { configureApi } from './http/configure-api';

// The api as its own process (distributed mode). `apps/platform` composes it with the others.
void runApp(
  'api',
  async (logger) => {
    @Module({ imports: [CoreModule.forRoot({ app: 'api' }), ApiModule] })
    class ApiProcessModule {}
    return NestFactory.create<NestExpressApplication>(ApiProcessModule, { logger, bodyParser: false, abortOnError: false });
  },
  async (app) => {
    const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
    configureApi(app, { jsonBodyLimit: http.jsonBodyLimit, webhookBodyLimit: http.webhookBodyLimit, gatewayPort: http.gatewayPort });
    await listen(app, http.apiPort, http.host, 'api');
  },
);
