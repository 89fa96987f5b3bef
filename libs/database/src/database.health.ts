import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

export interface DatabaseHealthStatus {
  status: 'up' | 'down';
  latencyMs: number;
  embedded: boolean;
  error?: string;
}

/** For /readyz: a bounded round trip, never throws. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly prisma: PrismaService) {}

  async check(timeoutMs = 2000): Promise<DatabaseHealthStatus> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.prisma.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { status: 'up', latencyMs: Date.now() - started, embedded: this.prisma.isEmbedded };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { status: 'down', latencyMs: Date.now() - started, embedded: this.prisma.isEmbedded, error };
    } finally {
      clearTimeout(timer);
    }
  }
}
