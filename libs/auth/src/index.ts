export * from './principal';
export * from './token-authenticator';
