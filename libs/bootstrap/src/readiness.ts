import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

export interface ReadinessCheckOptions {
  /**
   * Default true: down → the app is not ready (`/readyz` 503, taken out of rotation). false for
   * a dependency the app rides out by itself, such as the event transport (the outbox holds the
   * events while it is down): down → `/readyz` still 200, status `degraded`, the check listed as down.
   */
  critical?: boolean;
}

/**
 * Readiness reflects dependencies: each infrastructure piece an app uses registers a check
 * (database, transport, artifact store…). Liveness (`/healthz`) never calls them.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, { check: ReadinessCheck; critical: boolean }>();

  register(name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}): void {
    this.checks.set(name, { check, critical: options.critical ?? true });
  }

  /** Each check's name and whether it is critical. */
  criticality(): Map<string, boolean> {
    return new Map([...this.checks].map(([name, { critical }]) => [name, critical]));
  }

  /** `ready`: every critical check is up; `degraded`: ready, but a non-critical check is down. */
  async evaluate(timeoutMs = 2_000): Promise<{ ready: boolean; degraded: boolean; checks: Record<string, 'up' | 'down'> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, { check, critical }]) => {
        const ok = await Promise.race([
          check().catch(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
        ]);
        return { name, critical, up: ok };
      }),
    );
    const ready = entries.every((e) => e.up || !e.critical);
    return {
      ready,
      degraded: ready && entries.some((e) => !e.up),
      checks: Object.fromEntries(entries.map((e) => [e.name, e.up ? 'up' : 'down'] as const)),
    };
  }
}
