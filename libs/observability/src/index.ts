export * from './http-metrics';
export * from './metrics.registry';
export * from './tracing';
