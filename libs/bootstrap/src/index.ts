export * from './core.module';
export * from './health.controller';
export * from './readiness';
export * from './run-app';
export * from './secret-box.provider';
export * from './public.decorator';
