export * from './deployments.events';
export * from './envelope';
export * from './projects.events';
export * from './registry';
export * from './routing.events';
export * from './topics';
