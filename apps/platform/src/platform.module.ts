import { Module } from '@nestjs/common';
import { CoreModule } from '@deploysphere/bootstrap';
import { ApiModule } from '../../api/src/api.module';
import { EdgeRouterModule } from '../../edge-router/src/edge-router.module';
import { GatewayModule } from '../../gateway/src/gateway.module';
import { LogIngestModule } from '../../log-ingest/src/log-ingest.module';
import { OrchestratorModule } from '../../orchestrator/src/orchestrator.module';

/**
 * The all-in-one composition root (`npm start`): the five apps in one process over the
 * embedded adapters. It is the only place allowed to import from several apps
 * (.dependency-cruiser.cjs enforces it).
 */
@Module({
  imports: [CoreModule.forRoot({ app: 'platform' }), ApiModule, OrchestratorModule, LogIngestModule, GatewayModule, EdgeRouterModule],
})
export class PlatformModule {}
