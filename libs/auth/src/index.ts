export * from './principal';
export * from './session-authenticator';
export * from './token-authenticator';
