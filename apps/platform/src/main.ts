import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { listen, runApp } from '@deploysphere/bootstrap';
import { httpConfig, type ConfigType } from '@deploysphere/config';
import { configureApi } from '../../api/src/http/configure-api';

// `npm start`: api on API_PORT, gateway on GATEWAY_PORT, edge router on EDGE_PORT, one process.
void runApp(
  'platform',
  async () => {
    // Imported here so a configuration error is reported by runApp, not thrown at load time.
    const { PlatformModule } = await import('./platform.module');
    return NestFactory.create<NestExpressApplication>(PlatformModule, { bufferLogs: true, bodyParser: false });
  },
  async (app) => {
    const http = app.get<ConfigType<typeof httpConfig>>(httpConfig.KEY);
    configureApi(app, { jsonBodyLimit: http.jsonBodyLimit });
    await listen(app, http.apiPort, http.host, 'api');
  },
);
