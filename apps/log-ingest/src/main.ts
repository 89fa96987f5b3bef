import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, HealthController, listen, runApp } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { observeHttp } from '@deploysphere/observability';
import { LogIngestModule } from './log-ingest.module';

// log-ingest as its own process; it listens only for probes (/livez, /readyz) and /metrics.
void runApp(
  'log-ingest',
  async (logger) => {
    @Module({ imports: [CoreModule.forRoot({ app: 'log-ingest', relay: false }), LogIngestModule], controllers: [HealthController] })
    class LogIngestProcessModule {}
    return NestFactory.create(LogIngestProcessModule, { logger, abortOnError: false });
  },
  async (app) => {
    const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
    app.use(observeHttp('log-ingest'));
    await listen(app, http.logIngestPort, http.host, 'log-ingest health');
  },
);
