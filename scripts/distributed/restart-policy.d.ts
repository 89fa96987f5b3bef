// Types of restart-policy.js (plain CommonJS so the launcher runs before anything is built).

export interface RestartOptions {
  initialMs: number;
  maxMs: number;
  stableMs: number;
  loopExits: number;
  windowMs: number;
}

export const RESTART_DEFAULTS: RestartOptions;

export class RestartPolicy {
  constructor(options?: Partial<RestartOptions>);
  exited(startedAt: number, now?: number): { delayMs: number; recentExits: number; crashLoop: boolean };
}
