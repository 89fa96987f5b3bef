import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, HealthController, listen, runApp } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { connectIntegrationEvents } from '@deploysphere/messaging';
import { observeHttp } from '@deploysphere/observability';
import { OrchestratorModule } from './orchestrator.module';

// The orchestrator as its own process; it listens only for probes (/livez, /readyz) and /metrics.
void runApp(
  'orchestrator',
  async (logger) => {
    @Module({ imports: [CoreModule.forRoot({ app: 'orchestrator' }), OrchestratorModule], controllers: [HealthController] })
    class OrchestratorProcessModule {}
    return NestFactory.create(OrchestratorProcessModule, { logger, abortOnError: false });
  },
  async (app) => {
    const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
    app.use(observeHttp('orchestrator'));
    await app.init();
    await connectIntegrationEvents(app);
    await listen(app, http.orchestratorPort, http.host, 'orchestrator health');
  },
);
