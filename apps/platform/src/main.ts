import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { listen, runApp } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { connectIntegrationEvents } from '@deploysphere/messaging';
import { configureApi } from '../../api/src/http/configure-api';
import { GatewayIoAdapter } from '../../gateway/src/socket/gateway-io.adapter';
import { PlatformModule } from './platform.module';

// `npm start`: api on API_PORT, gateway on GATEWAY_PORT, edge router on EDGE_PORT, one process.
void runApp(
  'platform',
  (logger) => NestFactory.create<NestExpressApplication>(PlatformModule, { logger, bodyParser: false, abortOnError: false }),
  async (app) => {
    const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
    // Socket.IO on the gateway's own server (GATEWAY_PORT), not on the API's.
    app.useWebSocketAdapter(new GatewayIoAdapter(app));
    configureApi(app, { jsonBodyLimit: http.jsonBodyLimit, webhookBodyLimit: http.webhookBodyLimit, gatewayPort: http.gatewayPort });
    await app.init();
    await connectIntegrationEvents(app);
    await listen(app, http.apiPort, http.host, 'api');
  },
);
