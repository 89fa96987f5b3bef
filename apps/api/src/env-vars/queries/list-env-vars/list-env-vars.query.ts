import { Query } from '@nestjs/cqrs';
import type { EnvVarDto } from '../../env-var.response.dto';

export class ListEnvVarsQuery extends Query<EnvVarDto[]> {
  constructor(
    readonly teamId: string,
    readonly projectId: string,
  ) {
    super();
  }
}
