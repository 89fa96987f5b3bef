import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, runApp } from '@deploysphere/bootstrap';
import { connectIntegrationEvents } from '@deploysphere/messaging';
import { GatewayModule } from './gateway.module';
import { GatewayIoAdapter } from './socket/gateway-io.adapter';

// The gateway as its own process. Its HTTP server (GatewayHttpServer) listens on GATEWAY_PORT;
// Nest's own HTTP adapter is created but never listens: it is only what @nestjs/websockets needs.
void runApp(
  'gateway',
  async (logger) => {
    @Module({ imports: [CoreModule.forRoot({ app: 'gateway', relay: false }), GatewayModule] })
    class GatewayProcessModule {}
    return NestFactory.create(GatewayProcessModule, { logger, abortOnError: false });
  },
  async (app) => {
    app.useWebSocketAdapter(new GatewayIoAdapter(app));
    await app.init();
    await connectIntegrationEvents(app);
  },
);
