import { Global, Module } from '@nestjs/common';
import { DEPLOYMENT_REPOSITORY } from './deployment.repository.port';
import { PostgresDeploymentRepository } from './postgres/postgres-deployment.repository.adapter';

/** The deployment repository (PostgreSQL, through the process's PrismaService and outbox). */
@Global()
@Module({
  providers: [{ provide: DEPLOYMENT_REPOSITORY, useClass: PostgresDeploymentRepository }],
  exports: [DEPLOYMENT_REPOSITORY],
})
export class DeploymentRepositoryModule {}
