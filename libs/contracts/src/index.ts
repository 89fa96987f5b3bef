// class-transformer's @Type needs the metadata polyfill before any contract class is defined.
import 'reflect-metadata';
export * from './deployments.events';
export * from './envelope';
export * from './gateway.socket-events';
export * from './ids';
export * from './logs.events';
export * from './logs.parse';
export * from './projects.events';
export * from './registry';
export * from './routing.events';
export * from './topics';
