import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ReadinessRegistry } from './readiness';

export interface HealthAnswer {
  code: number;
  body: unknown;
}

/**
 * Liveness and readiness through @nestjs/terminus, for every listener that answers probes (the
 * Nest controller, the gateway's and the edge's own servers).
 *  - liveness: the process answers; no dependency is asked (a database outage must not get
 *    every instance restarted);
 *  - readiness: the ReadinessRegistry's checks (each bounded in time), a critical one down → 503
 *    (so is an app shutting down: terminus's own state), a non-critical one down → `degraded`, 200. The body keeps the platform's shape:
 *    `{ status: ready | degraded | not_ready, checks: { name: up | down } }`.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  async liveness(): Promise<HealthAnswer> {
    const result = await this.health.check([() => this.indicators.check('process').up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) })]);
    return { code: 200, body: { status: 'ok', details: result.details } };
  }

  async readiness(): Promise<HealthAnswer> {
    const evaluated = await this.registry.evaluate();
    const critical = this.registry.criticality();
    let result: HealthCheckResult;
    try {
      // A non-critical dependency down does not fail the check (terminus would answer 503); it is
      // reported as `degraded` below.
      result = await this.health.check(
        Object.entries(evaluated.checks).map(([name, state]) => () => {
          const session = this.indicators.check(name);
          return state === 'up' ? session.up() : critical.get(name) === false ? session.up({ reachable: false, critical: false }) : session.down();
        }),
      );
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      result = err.getResponse() as HealthCheckResult;
    }
    const status = result.status !== 'ok' ? 'not_ready' : evaluated.degraded ? 'degraded' : 'ready';
    return { code: status === 'not_ready' ? 503 : 200, body: { status, checks: evaluated.checks } };
  }
}
