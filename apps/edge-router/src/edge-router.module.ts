import { Module } from '@nestjs/common';
import { edgeConfig, httpConfig, type ConfigType, type EdgeSettings } from '@deploysphere/config';
import { AccessLogPublisher, LogsModule } from '@deploysphere/logs';
import { CertificateRepositoryModule } from '@deploysphere/certificates';
import { DeploymentRepositoryModule } from '@deploysphere/deployments';
import { MESSAGE_TRANSPORT, type MessageTransport } from '@deploysphere/messaging';
import { ACCESS_LOG_SINK } from './access-log/access-log-sink.port';
import { PipelineAccessLogSink } from './access-log/pipeline-access-log-sink.adapter';
import { AppProxy, WAKE_REPEAT_MS } from './proxy/app-proxy';
import { AppSignals, TRAFFIC_REPORT_MS } from './proxy/app-signals';
import { PrismaRouteSnapshotSource } from './routing/prisma-route-snapshot-source.adapter';
import { ROUTE_SNAPSHOT_SOURCE } from './routing/route-snapshot-source.port';
import { RouteTable } from './routing/route-table';
import { RouteTableSync } from './routing/route-table.sync';
import { EdgeMetrics } from './server/edge-metrics';
import { EdgeRequestHandler } from './server/edge-request.handler';
import { EdgeServer } from './server/edge-server';
import { BlobCache } from './serving/blob-cache';
import { ManifestCache } from './serving/manifest-cache';
import { AcmeChallenges } from './tls/acme-challenges';
import { CertificateStore } from './tls/certificate-store';
import { CertificateSync } from './tls/certificate.sync';
import { EdgeTls } from './tls/edge-tls';
import { RootCertificateReloader } from './tls/root-certificate.reloader';

/**
 * The data plane: serves READY deployments on EDGE_PORT (and over HTTPS on EDGE_TLS_PORT) from an
 * in-memory route table kept current by route events: static output from the artifact store, server
 * apps proxied to their instances. A feature module: config, database, messaging and storage come
 * from the composition root (the platform's or the edge process's main module), which are global.
 */
@Module({
  imports: [DeploymentRepositoryModule, CertificateRepositoryModule, LogsModule],
  providers: [
    {
      provide: RouteTable,
      inject: [httpConfig.KEY, edgeConfig.KEY],
      useFactory: (http: ConfigType<typeof httpConfig>, edge: EdgeSettings) => new RouteTable(http.rootDomain || 'localhost', edge.skewWindowMs),
    },
    { provide: ROUTE_SNAPSHOT_SOURCE, useClass: PrismaRouteSnapshotSource },
    {
      provide: ACCESS_LOG_SINK,
      inject: [edgeConfig.KEY, AccessLogPublisher],
      useFactory: (edge: EdgeSettings, publisher: AccessLogPublisher) =>
        new PipelineAccessLogSink({ maxBuffered: edge.accessLogBuffer, flushIntervalMs: edge.accessLogFlushMs }, publisher),
    },
    {
      provide: AppSignals,
      inject: [MESSAGE_TRANSPORT, edgeConfig.KEY],
      useFactory: (transport: MessageTransport, edge: EdgeSettings) => new AppSignals(transport, { edgeId: edge.instanceId, reportIntervalMs: TRAFFIC_REPORT_MS }),
    },
    {
      provide: AppProxy,
      inject: [RouteTable, AppSignals, edgeConfig.KEY],
      useFactory: (table: RouteTable, signals: AppSignals, edge: EdgeSettings) =>
        new AppProxy(table, signals, {
          connectTimeoutMs: edge.proxyConnectTimeoutMs,
          responseTimeoutMs: edge.proxyResponseTimeoutMs,
          maxBodyBytes: edge.proxyMaxBodyBytes,
          wakeTimeoutMs: edge.wakeTimeoutMs,
          wakeRepeatMs: WAKE_REPEAT_MS,
        }),
    },
    ManifestCache,
    BlobCache,
    RouteTableSync,
    EdgeMetrics,
    CertificateStore,
    AcmeChallenges,
    CertificateSync,
    RootCertificateReloader,
    EdgeTls,
    EdgeRequestHandler,
    EdgeServer,
  ],
  exports: [RouteTable, RouteTableSync, CertificateSync, RootCertificateReloader, EdgeServer, ACCESS_LOG_SINK],
})
export class EdgeRouterModule {}
