import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { observeRequest } from '@deploysphere/observability';
import type { HealthService } from './health.service';
import { answerMetrics } from './metrics.endpoint';

export const PROBE_PATHS = ['/livez', '/healthz', '/readyz', '/metrics'] as const;

/**
 * `/livez`, `/healthz`, `/readyz` and `/metrics` for a listener that is not a Nest HTTP app (the
 * gateway's server, the edge's management listener). Returns false for any other path.
 */
export function answerProbe(req: IncomingMessage, res: ServerResponse, health: HealthService, metricsToken: string | undefined): boolean {
  const path = (req.url ?? '/').split('?')[0];
  const send = (answer: Promise<{ code: number; body: unknown; headers?: Record<string, string> }>) =>
    void answer.then(
      ({ code, body, headers }) => {
        res.writeHead(code, headers ?? { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      },
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"PROBE_FAILED"}'),
    );
  if (path === '/livez') send(health.liveness());
  else if (path === '/healthz') send(Promise.resolve({ code: 200, body: { status: 'ok' } }));
  else if (path === '/readyz') send(health.readiness());
  else if (path === '/metrics') send(answerMetrics(req.headers.authorization, metricsToken));
  else return false;
  return true;
}

/**
 * A listener for probes and metrics only, apart from the traffic an app serves (the edge's
 * tenant hosts never answer `/metrics`).
 */
export async function listenForProbes(server: string, port: number, host: string, health: HealthService, metricsToken: string | undefined): Promise<{ server: Server; address: AddressInfo }> {
  const listener = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const known = (PROBE_PATHS as readonly string[]).includes(path);
    observeRequest(server, req, res, () => (known ? path : undefined));
    if (!answerProbe(req, res, health, metricsToken)) res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"type":"about:blank","status":404,"code":"ROUTE_NOT_FOUND"}');
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  return { server: listener, address: listener.address() as AddressInfo };
}
