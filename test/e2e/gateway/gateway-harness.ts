import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CoreModule } from '@deploysphere/bootstrap';
import { generateToken, newId } from '@deploysphere/common';
import type { ClientToServerEvents, ServerToClientEvents } from '@deploysphere/contracts';
import { PrismaService } from '@deploysphere/database';
import { connectIntegrationEvents } from '@deploysphere/messaging';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { GatewayIoAdapter } from '../../../apps/gateway/src/socket/gateway-io.adapter';
import { LogIngestModule } from '../../../apps/log-ingest/src/log-ingest.module';
import { freePort } from '../../support/ports';

export type GatewayClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface GatewayInstance {
  app: INestApplication;
  url: string;
  prisma: PrismaService;
  close(): Promise<void>;
}


/**
 * A gateway process as `apps/gateway/src/main.ts` composes it (plus log-ingest, so lines reach
 * the store as in the all-in-one platform), on the environment given: no REDIS_URL/
 * CLICKHOUSE_URL is embedded mode, with them distributed. Without DATABASE_URL the app starts
 * its own embedded PGlite. Kafka is left out: the log topics are in process here
 * (test/integration/logs covers Kafka).
 */
export async function startGateway(env: Record<string, string | undefined>): Promise<GatewayInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deploysphere-gateway-test-'));
  const port = await freePort();
  const values: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    BIND_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    DEPLOYSPHERE_DATA_DIR: dataDir,
    DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KAFKA_BROKERS: undefined,
    DATABASE_URL: undefined,
    DATABASE_MIGRATE_ON_START: undefined,
    REDIS_URL: undefined,
    CLICKHOUSE_URL: undefined,
    ...env,
  };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const moduleRef = await Test.createTestingModule({
    imports: [CoreModule.forRoot({ app: 'gateway-test', relay: false }), GatewayModule, LogIngestModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new GatewayIoAdapter(app));
  await app.init();
  await connectIntegrationEvents(app);
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    prisma: app.get(PrismaService),
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Tenant {
  teamId: string;
  token: string;
  projectId: string;
  deploymentId: () => Promise<string>;
}

/** A team with a token (given scopes) and a project; `deploymentId()` adds a BUILDING deployment. */
export async function seedTenant(prisma: PrismaService, scopes: string[] = ['read', 'write']): Promise<Tenant> {
  const teamId = newId('team');
  const projectId = newId('prj');
  const { token, hash } = generateToken();
  await prisma.team.create({ data: { id: teamId, name: teamId, slug: teamId.replace('_', '-') } });
  await prisma.apiToken.create({ data: { id: newId('tok'), teamId, name: 't', tokenHash: hash, prefix: token.slice(0, 8), scopes } });
  await prisma.project.create({ data: { id: projectId, teamId, name: 'site', slug: `site-${randomBytes(4).toString('hex')}` } });
  return {
    teamId,
    token,
    projectId,
    deploymentId: async () => {
      const id = newId('dpl');
      await prisma.deployment.create({ data: { id, projectId, target: 'PREVIEW', source: 'GIT', status: 'BUILDING', buildingAt: new Date() } });
      return id;
    },
  };
}

export function connect(url: string, auth: Record<string, unknown> | undefined, extraHeaders?: Record<string, string>): GatewayClient {
  return io(url, { auth, extraHeaders, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
}

export async function connected(client: GatewayClient): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
}

/** Collects what a client receives for one deployment. */
export class Recorder {
  seqs: number[] = [];
  statuses: string[] = [];
  gaps: [number, number][] = [];
  end?: { lastSeq: number; status: string };
  errors: { code: string; message: string }[] = [];

  constructor(client: GatewayClient, deploymentId: string) {
    client.on('logs:lines', (p) => {
      if (p.deploymentId === deploymentId) for (const l of p.lines) this.seqs.push(l.seq);
    });
    client.on('logs:gap', (p) => p.deploymentId === deploymentId && this.gaps.push([p.fromSeq, p.toSeq]));
    client.on('logs:end', (p) => {
      if (p.deploymentId === deploymentId) this.end = { lastSeq: p.lastSeq, status: p.status };
    });
    client.on('deployment:status', (p) => p.deploymentId === deploymentId && this.statuses.push(p.to));
    client.on('gateway:error', (e) => this.errors.push(e));
  }
}

export const until = async (cond: () => boolean, ms = 20_000, what = 'condition') => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
