import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { ConfigType } from '@nestjs/config';
import type { EdgeSettings, httpConfig } from '@deploysphere/config';
import { InMemoryTransport, type MessageTransport } from '@deploysphere/messaging';
import { InMemoryAccessLogSink } from '../src/access-log/in-memory-access-log-sink.adapter';
import { AppProxy } from '../src/proxy/app-proxy';
import { AppSignals } from '../src/proxy/app-signals';
import { RouteTable } from '../src/routing/route-table';
import type { RouteSnapshot } from '../src/routing/route.types';
import { EdgeMetrics } from '../src/server/edge-metrics';
import { EdgeRequestHandler } from '../src/server/edge-request.handler';
import { EdgeServer } from '../src/server/edge-server';
import { BlobCache } from '../src/serving/blob-cache';
import { ManifestCache } from '../src/serving/manifest-cache';
import { InMemoryArtifactStore } from './in-memory-artifact-store';
import type { CertificateRepository } from '@deploysphere/certificates';
import { AcmeChallenges } from '../src/tls/acme-challenges';
import { CertificateStore } from '../src/tls/certificate-store';
import { EdgeTls } from '../src/tls/edge-tls';
import { secureContext } from '../src/tls/tls-policy';

export function testEdgeSettings(overrides: Partial<EdgeSettings> = {}): EdgeSettings {
  return {
    cacheBytes: 64 * 1024 * 1024,
    manifestCacheFiles: 100_000,
    instanceId: 'test',
    accessLogBuffer: 10_000,
    accessLogFlushMs: 20,
    shutdownGraceMs: 2_000,
    skewWindowMs: 60_000,
    proxyConnectTimeoutMs: 2_000,
    proxyResponseTimeoutMs: 10_000,
    proxyMaxBodyBytes: 8 * 1024 * 1024,
    wakeTimeoutMs: 10_000,
    tls: { port: undefined, publicPort: undefined, certFile: undefined, keyFile: undefined },
    ...overrides,
  };
}

export interface EdgeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RunningEdge {
  port: number;
  /** The HTTPS listener's port, with `tls` given. */
  tlsPort: number | undefined;
  table: RouteTable;
  store: InMemoryArtifactStore;
  accessLog: InMemoryAccessLogSink;
  blobs: BlobCache;
  manifests: ManifestCache;
  server: EdgeServer;
  /** Where the edge's wake requests and traffic reports go. */
  transport: MessageTransport;
  signals: AppSignals;
  proxy: AppProxy;
  /** One request with the given Host header (keep-alive off, so each call is independent). */
  get(host: string, path: string, headers?: Record<string, string>, method?: string): Promise<EdgeResponse>;
  /** Raw bytes on a fresh socket, for what an HTTP client library would refuse to send. */
  raw(bytes: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/**
 * A real EdgeServer on an ephemeral port of 127.0.0.1, wired by hand exactly as the module
 * wires it, over the in-memory artifact store.
 */
export async function startEdge(
  options: {
    store?: InMemoryArtifactStore;
    snapshot?: RouteSnapshot;
    rootDomain?: string;
    settings?: Partial<EdgeSettings>;
    transport?: MessageTransport;
    /** Traffic report interval and wake repeat interval (ms). */
    reportIntervalMs?: number;
    wakeRepeatMs?: number;
    /** Also an HTTPS listener (h2 + http/1.1) with this pair as the root wildcard. */
    tls?: { cert: string; key: string };
  } = {},
): Promise<RunningEdge> {
  const settings = testEdgeSettings(options.settings);
  const store = options.store ?? new InMemoryArtifactStore();
  const table = new RouteTable(options.rootDomain ?? 'localhost', settings.skewWindowMs);
  if (options.snapshot) table.replaceAll(options.snapshot);
  const manifests = new ManifestCache(store, settings);
  const blobs = new BlobCache(store, settings);
  const accessLog = new InMemoryAccessLogSink({ maxBuffered: settings.accessLogBuffer, flushIntervalMs: settings.accessLogFlushMs });
  const transport = options.transport ?? new InMemoryTransport();
  const signals = new AppSignals(transport, { edgeId: settings.instanceId, reportIntervalMs: options.reportIntervalMs ?? 200 });
  signals.start();
  const proxy = new AppProxy(table, signals, {
    connectTimeoutMs: settings.proxyConnectTimeoutMs,
    responseTimeoutMs: settings.proxyResponseTimeoutMs,
    maxBodyBytes: settings.proxyMaxBodyBytes,
    wakeTimeoutMs: settings.wakeTimeoutMs,
    wakeRepeatMs: options.wakeRepeatMs ?? 500,
  });
  const http = { host: '127.0.0.1', edgePort: 0, rootDomain: options.rootDomain ?? 'localhost' } as ConfigType<typeof httpConfig>;
  let tls: EdgeTls | undefined;
  if (options.tls) {
    const certificates = new CertificateStore(table, http);
    certificates.setWildcard(secureContext(options.tls.cert, options.tls.key));
    const noChallenges = { findChallenge: async () => null } as unknown as CertificateRepository;
    tls = new EdgeTls(certificates, new AcmeChallenges(noChallenges), http, { ...settings, tls: { ...settings.tls, port: 0 } });
  }
  const handler = new EdgeRequestHandler(table, manifests, blobs, store, accessLog, proxy, new EdgeMetrics(blobs), tls);
  const server = new EdgeServer(handler, http, settings, tls);
  const { port } = await server.listen(0, '127.0.0.1');
  const tlsPort = tls ? (await server.listenTls(0, '127.0.0.1')).port : undefined;

  const get: RunningEdge['get'] = (host, path, headers = {}, method = 'GET') =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host, connection: 'close', ...headers }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });

  const raw: RunningEdge['raw'] = (bytes) =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('latin1');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
      });
    });

  return {
    port,
    tlsPort,
    table,
    store,
    accessLog,
    blobs,
    manifests,
    server,
    transport,
    signals,
    proxy,
    get,
    raw,
    close: async () => {
      await server.close();
      proxy.close();
      await signals.stop();
      await accessLog.close();
    },
  };
}
