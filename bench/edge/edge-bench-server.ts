// The edge router as the benchmark runs it: the production classes (route table, manifest and
// blob caches, request handler, raw http server, batching access log) over the real fs
// artifact store, with N projects in the route table, each with its own deployment of `site`;
// with --upstream ip:port (bench/apps), also the server app project `app` (host app.localhost)
// proxied to that instance.
//
//   node -r ./bench/register.js bench/edge/edge-bench-server.ts --site DIR --data DIR --projects N --port P --hosts FILE [--upstream ADDR]
//     [--tls-port P --tls-cert FILE --tls-key FILE]   (also HTTPS: h2 + http/1.1, the pair as the root wildcard)
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { newId } from '@deploysphere/common';
import { edgeConfig, validateEnvironment, type httpConfig } from '@deploysphere/config';
import { FsArtifactStore } from '@deploysphere/storage';
import type { CertificateRepository } from '@deploysphere/certificates';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InMemoryTransport } from '@deploysphere/messaging';
import { InMemoryAccessLogSink } from '../../apps/edge-router/src/access-log/in-memory-access-log-sink.adapter';
import { AppProxy, WAKE_REPEAT_MS } from '../../apps/edge-router/src/proxy/app-proxy';
import { AppSignals, TRAFFIC_REPORT_MS } from '../../apps/edge-router/src/proxy/app-signals';
import { RouteTable } from '../../apps/edge-router/src/routing/route-table';
import type { RouteSnapshot } from '../../apps/edge-router/src/routing/route.types';
import { EdgeMetrics } from '../../apps/edge-router/src/server/edge-metrics';
import { EdgeRequestHandler } from '../../apps/edge-router/src/server/edge-request.handler';
import { EdgeServer } from '../../apps/edge-router/src/server/edge-server';
import { BlobCache } from '../../apps/edge-router/src/serving/blob-cache';
import { ManifestCache } from '../../apps/edge-router/src/serving/manifest-cache';
import { AcmeChallenges } from '../../apps/edge-router/src/tls/acme-challenges';
import { CertificateStore } from '../../apps/edge-router/src/tls/certificate-store';
import { EdgeTls } from '../../apps/edge-router/src/tls/edge-tls';
import { secureContext } from '../../apps/edge-router/src/tls/tls-policy';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' },
      data: { type: 'string' },
      projects: { type: 'string', default: '1' },
      port: { type: 'string', default: '0' },
      hosts: { type: 'string' },
      upstream: { type: 'string' },
      'tls-port': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  if (!values.site || !values.data || !values.hosts) throw new Error('--site, --data and --hosts are required');
  Logger.overrideLogger(['error', 'warn']);

  validateEnvironment(process.env);
  const settings = edgeConfig();
  const store = new FsArtifactStore(values.data);
  const snapshot: RouteSnapshot = { projects: [], deployments: [], domains: [] };
  const count = Number(values.projects);
  for (let i = 0; i < count; i++) {
    const projectId = newId('prj');
    const deploymentId = newId('dpl');
    await store.putDeployment(deploymentId, values.site);
    snapshot.projects.push({ id: projectId, slug: `site-${i}`, productionDeploymentId: deploymentId, aliasAt: 1 });
    snapshot.deployments.push({ id: deploymentId, projectId });
  }
  if (values.upstream) {
    const projectId = newId('prj');
    const deploymentId = newId('dpl');
    snapshot.projects.push({ id: projectId, slug: 'app', productionDeploymentId: deploymentId, aliasAt: 1 });
    snapshot.deployments.push({ id: deploymentId, projectId, upstreams: values.upstream.split(',') });
  }
  writeFileSync(values.hosts, snapshot.projects.filter((p) => p.slug !== 'app').map((p) => `${p.slug}.localhost`).join('\n') + '\n');

  const table = new RouteTable('localhost', settings.skewWindowMs);
  table.replaceAll(snapshot);
  const manifests = new ManifestCache(store, settings);
  const blobs = new BlobCache(store, settings);
  const accessLog = new InMemoryAccessLogSink({ maxBuffered: settings.accessLogBuffer, flushIntervalMs: settings.accessLogFlushMs });
  const signals = new AppSignals(new InMemoryTransport(), { edgeId: settings.instanceId, reportIntervalMs: TRAFFIC_REPORT_MS });
  const proxy = new AppProxy(table, signals, {
    connectTimeoutMs: settings.proxyConnectTimeoutMs,
    responseTimeoutMs: settings.proxyResponseTimeoutMs,
    maxBodyBytes: settings.proxyMaxBodyBytes,
    wakeTimeoutMs: settings.wakeTimeoutMs,
    wakeRepeatMs: WAKE_REPEAT_MS,
  });
  const http = { host: '127.0.0.1', edgePort: Number(values.port), rootDomain: 'localhost' } as ConfigType<typeof httpConfig>;
  let tls: EdgeTls | undefined;
  if (values['tls-port'] && values['tls-cert'] && values['tls-key']) {
    const certificates = new CertificateStore(table, http);
    certificates.setWildcard(secureContext(readFileSync(values['tls-cert']), readFileSync(values['tls-key'])));
    // No database here: no ACME challenges to look up.
    const none = { findChallenge: async () => null } as unknown as CertificateRepository;
    tls = new EdgeTls(certificates, new AcmeChallenges(none), http, { ...settings, tls: { ...settings.tls, port: Number(values['tls-port']) } });
  }
  const handler = new EdgeRequestHandler(table, manifests, blobs, store, accessLog, proxy, new EdgeMetrics(blobs), tls);
  const server = new EdgeServer(handler, http, settings, tls);
  const { port } = await server.listen(Number(values.port), '127.0.0.1');
  const secure = tls ? ` tls=${(await server.listenTls(Number(values['tls-port']), '127.0.0.1')).port}` : '';
  process.stdout.write(`READY ${port} projects=${table.stats().projects}${secure}\n`);

  const stop = async () => {
    await server.close();
    await accessLog.close();
    const log = accessLog.stats();
    process.stdout.write(`STOPPED access-log written=${log.written} dropped=${log.dropped}\n`);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`edge bench server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
