import { Module } from '@nestjs/common';
import { LogsModule } from '@deploysphere/logs';
import { GetDeploymentLogsHandler } from './queries/get-deployment-logs/get-deployment-logs.handler';
import { GetDeploymentLogsHttpController } from './queries/get-deployment-logs/get-deployment-logs.http.controller';
import { GetProjectAnalyticsHandler } from './queries/get-project-analytics/get-project-analytics.handler';
import { GetProjectAnalyticsHttpController } from './queries/get-project-analytics/get-project-analytics.http.controller';

/** Build-log search and traffic analytics, answered by the log store (ClickHouse or the metadata database). */
@Module({
  imports: [LogsModule],
  controllers: [GetDeploymentLogsHttpController, GetProjectAnalyticsHttpController],
  providers: [GetDeploymentLogsHandler, GetProjectAnalyticsHandler],
})
export class LogQueriesModule {}
