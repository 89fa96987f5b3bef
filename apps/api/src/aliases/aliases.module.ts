import { Module } from '@nestjs/common';
import { PromoteDeploymentHandler } from './commands/promote-deployment/promote-deployment.handler';
import { PromoteDeploymentHttpController } from './commands/promote-deployment/promote-deployment.http.controller';
import { RollbackProjectHandler } from './commands/rollback-project/rollback-project.handler';
import { RollbackProjectHttpController } from './commands/rollback-project/rollback-project.http.controller';

/** What the production URL serves: promote and rollback move the alias without rebuilding. */
@Module({
  controllers: [PromoteDeploymentHttpController, RollbackProjectHttpController],
  providers: [PromoteDeploymentHandler, RollbackProjectHandler],
})
export class AliasesModule {}
