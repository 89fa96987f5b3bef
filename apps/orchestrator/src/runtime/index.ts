export * from './app-runtime.port';
export * from './docker/docker-app-runtime.adapter';
export * from './ecs/ecs-app-runtime.adapter';
export * from './health-probe';
export * from './process/process-app-runtime.adapter';
export * from './runtime.module';
