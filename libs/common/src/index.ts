export * from './crypto';
export * from './errors';
export * from './ids';
export * from './slug';
export * from './batcher';
export * from './fs';
export * from './secret-mask';
export * from './coalesced-runner';
