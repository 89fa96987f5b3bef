import { Query } from '@nestjs/cqrs';
import type { LogStream } from '@deploysphere/logs';
import type { Page } from '../../../http/pagination';
import type { LogLineDto } from './deployment-logs.response.dto';

export interface DeploymentLogsFilter {
  fromSeq?: number;
  stream?: LogStream;
  from?: Date;
  to?: Date;
  q?: string;
}

export class GetDeploymentLogsQuery extends Query<Page<LogLineDto>> {
  constructor(
    readonly teamId: string,
    readonly deploymentId: string,
    readonly filter: DeploymentLogsFilter,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
