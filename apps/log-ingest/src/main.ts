import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, HealthController, listen, runApp } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { LogIngestModule } from './log-ingest.module';

// log-ingest as its own process; it listens only for /healthz and /readyz.
void runApp(
  'log-ingest',
  async () => {
    @Module({ imports: [CoreModule.forRoot({ app: 'log-ingest', relay: false }), LogIngestModule], controllers: [HealthController] })
    class LogIngestProcessModule {}
    return NestFactory.create(LogIngestProcessModule, { bufferLogs: true, abortOnError: false });
  },
  async (app) => {
    const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
    await listen(app, http.logIngestPort, http.host, 'log-ingest health');
  },
);
