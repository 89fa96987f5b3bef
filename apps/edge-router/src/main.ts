import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, runApp } from '@deploysphere/bootstrap';
import { EdgeRouterModule } from './edge-router.module';

// The edge router as its own process (distributed mode): no Nest HTTP adapter, only the
// edge's raw listener on EDGE_PORT, which also answers /healthz and /readyz.
void runApp('edge-router', async () => {
  @Module({ imports: [CoreModule.forRoot({ app: 'edge-router', relay: false }), EdgeRouterModule] })
  class EdgeRouterProcessModule {}
  return NestFactory.createApplicationContext(EdgeRouterProcessModule, { bufferLogs: true, abortOnError: false });
});
