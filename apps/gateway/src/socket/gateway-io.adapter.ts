import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { redisConfig, type ConfigType } from '@deploysphere/config';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';
import { GatewayHttpServer } from '../gateway-http.server';

const MARK = Symbol.for('deploysphere.gateway-io');

/** True when `server` was created by GatewayIoAdapter (the gateway refuses to run on any other). */
export function isGatewayIoServer(server: unknown): boolean {
  return typeof server === 'object' && server !== null && (server as Record<symbol, unknown>)[MARK] === true;
}

/**
 * Puts the gateway's Socket.IO server on GatewayHttpServer (GATEWAY_PORT), not on the app's own
 * HTTP server, and, when REDIS_URL is set, gives it the Redis adapter so rooms span every
 * gateway instance. Install it before init: `app.useWebSocketAdapter(new GatewayIoAdapter(app))`.
 */
export class GatewayIoAdapter extends IoAdapter {
  private readonly logger = new Logger('GatewayIoAdapter');
  private readonly redis: Redis[] = [];

  constructor(private readonly app: INestApplicationContext) {
    super();
  }

  override createIOServer(_port: number, options?: ServerOptions): Server {
    const http = this.app.get(GatewayHttpServer);
    const redis = this.app.get<ConfigType<typeof redisConfig>>(redisConfig.KEY);
    const server = new Server(http.server, {
      ...options,
      serveClient: false,
      // Clients only send small requests; a large frame is not ours.
      maxHttpBufferSize: 64 * 1024,
      pingInterval: 20_000,
      pingTimeout: 20_000,
    });
    if (redis.url) {
      const pub = new Redis(redis.url, { connectionName: 'deploysphere-gateway-adapter-pub' });
      const sub = pub.duplicate({ connectionName: 'deploysphere-gateway-adapter-sub' });
      for (const client of [pub, sub]) client.on('error', (err) => this.logger.warn({ err: err.message }, 'socket.io redis adapter connection error'));
      this.redis.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: 'ds:socket.io' }));
    }
    Object.defineProperty(server, MARK, { value: true });
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.allSettled(this.redis.splice(0).map((r) => r.quit()));
  }
}
