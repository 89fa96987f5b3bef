import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { observabilityConfig, type ConfigType } from '@deploysphere/config';
import type { Response } from 'express';
import { HealthService } from './health.service';
import { answerMetrics } from './metrics.endpoint';
import { Public } from './public.decorator';

/**
 * Probes and metrics of a Nest HTTP app. Public to the API's bearer guard: probes carry no
 * token, and `/metrics` checks its own METRICS_TOKEN.
 */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    @Inject(observabilityConfig.KEY) private readonly observability: Pick<ConfigType<typeof observabilityConfig>, 'metricsToken'>,
  ) {}

  @Get('livez')
  async livez(@Res() res: Response) {
    const { code, body } = await this.health.liveness();
    res.status(code).json(body);
  }

  /** The liveness probe's older name, kept for existing probes. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() res: Response) {
    const { code, body } = await this.health.readiness();
    res.status(code).json(body);
  }

  @Get('metrics')
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const answer = await answerMetrics(authorization, this.observability.metricsToken);
    // Written as is: Express's send() would rewrite the content type Prometheus negotiates on.
    res.writeHead(answer.code, answer.headers).end(answer.body);
  }
}
