// Public surface of @deploysphere/deployments: the deployment life cycle and its repository.
export * from './domain/deployment-lifecycle';
export * from './domain/go-live';
export * from './deployment.repository.port';
export * from './deployment-repository.module';
export { PostgresDeploymentRepository } from './postgres/postgres-deployment.repository.adapter';
export { deploymentRowSql } from './postgres/deployment-rows.sql';
