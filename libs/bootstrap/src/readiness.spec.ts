import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { HealthService } from './health.service';
import { ReadinessRegistry } from './readiness';

/** What /readyz answers for a registry: status code and body (through terminus, as the apps run it). */
async function readyz(registry: ReadinessRegistry): Promise<{ code: number; body: unknown }> {
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false })],
    providers: [{ provide: ReadinessRegistry, useValue: registry }, HealthService],
  }).compile();
  try {
    return await moduleRef.get(HealthService).readiness();
  } finally {
    await moduleRef.close();
  }
}

describe('ReadinessRegistry and /readyz', () => {
  const up = async () => true;
  const down = async () => false;

  it('is ready when every check is up', async () => {
    const registry = new ReadinessRegistry();
    registry.register('database', up);
    registry.register('transport', up, { critical: false });
    expect(await readyz(registry)).toEqual({ code: 200, body: { status: 'ready', checks: { database: 'up', transport: 'up' } } });
  });

  it('is not ready (503) when a critical check is down, thrown or too slow', async () => {
    for (const broken of [down, async () => Promise.reject(new Error('refused')), () => new Promise<boolean>(() => undefined)]) {
      const registry = new ReadinessRegistry();
      registry.register('database', broken);
      registry.register('artifacts', up);
      expect(await registry.evaluate(50)).toEqual({ ready: false, degraded: false, checks: { database: 'down', artifacts: 'up' } });
    }
    const registry = new ReadinessRegistry();
    registry.register('database', down);
    expect(await readyz(registry)).toEqual({ code: 503, body: { status: 'not_ready', checks: { database: 'down' } } });
  });

  it('stays ready (200, degraded) when only a non-critical check is down, and lists it', async () => {
    const registry = new ReadinessRegistry();
    registry.register('database', up);
    registry.register('transport', down, { critical: false });
    expect(await readyz(registry)).toEqual({ code: 200, body: { status: 'degraded', checks: { database: 'up', transport: 'down' } } });
  });

  it('is not ready when a critical check is down, whatever the non-critical ones say', async () => {
    const registry = new ReadinessRegistry();
    registry.register('database', down);
    registry.register('transport', down, { critical: false });
    expect(await readyz(registry)).toEqual({ code: 503, body: { status: 'not_ready', checks: { database: 'down', transport: 'down' } } });
  });
});
