import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

/**
 * Readiness reflects dependencies: each infrastructure piece an app uses registers a check
 * (database, transport, artifact store…). Liveness (`/healthz`) never calls them.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(timeoutMs = 2_000): Promise<{ ready: boolean; checks: Record<string, 'up' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const ok = await Promise.race([
          check().catch(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]);
        return [name, ok ? 'up' : 'down'] as const;
      }),
    );
    return { ready: entries.every(([, s]) => s === 'up'), checks: Object.fromEntries(entries) };
  }
}
