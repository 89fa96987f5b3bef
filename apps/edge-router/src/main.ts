import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, runApp } from '@deploysphere/bootstrap';
import { EdgeRouterModule } from './edge-router.module';
import { EdgeManagementServer } from './management/edge-management.server';

// The edge router as its own process (distributed mode): no Nest HTTP adapter; the edge's raw
// listener on EDGE_PORT (tenant traffic, plus /healthz and /readyz on the platform host), and the
// management listener on EDGE_MANAGEMENT_PORT (/livez, /readyz, /metrics).
void runApp('edge-router', async (logger) => {
  @Module({ imports: [CoreModule.forRoot({ app: 'edge-router', relay: false }), EdgeRouterModule], providers: [EdgeManagementServer] })
  class EdgeRouterProcessModule {}
  return NestFactory.createApplicationContext(EdgeRouterProcessModule, { logger, abortOnError: false });
});
