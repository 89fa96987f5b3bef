import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, runApp } from '@deploysphere/bootstrap';
import { GatewayModule } from './gateway.module';

// The gateway as its own process; its own server listens on GATEWAY_PORT.
void runApp('gateway', async () => {
  @Module({ imports: [CoreModule.forRoot({ app: 'gateway', relay: false }), GatewayModule] })
  class GatewayProcessModule {}
  return NestFactory.createApplicationContext(GatewayProcessModule, { bufferLogs: true });
});
