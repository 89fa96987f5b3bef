// Types of stack.js (plain CommonJS so the launcher runs before anything is built).

export type AppName = 'api' | 'orchestrator' | 'log-ingest' | 'gateway' | 'edge-router';
export type Env = Record<string, string | undefined>;

export interface PlannedProcess {
  /** `orchestrator`, `orchestrator-2`, … */
  name: string;
  app: AppName;
  instance: number;
  port: number;
  entry: string;
  /** `/readyz` of the process (undefined when its port is 0). */
  readyUrl: string | undefined;
  /** `/metrics` of the process (the edge's management port; undefined when the port is 0). */
  metricsUrl: string | undefined;
  /** The complete environment of the process. */
  env: Env;
}

export const ROOT: string;
export const APPS: AppName[];
export const PORTS: Record<AppName, { variable: string; default: number }>;
export const MANAGEMENT_PORTS: Partial<Record<AppName, { variable: string; default: number }>>;
export const COUNT_VARIABLES: Record<AppName, string>;
export const PORT_STEP: number;
export function entryPoint(app: AppName, root?: string): string;
export function migrateEntryPoint(root?: string): string;
export function processName(app: AppName, instance: number): string;
export function instanceCounts(env: Env): Record<AppName, number>;
export function missingForDistributed(env: Env): string[];
export function planProcess(app: AppName, instance: number, options: { env: Env; stateDir: string; port?: number; managementPort?: number }): PlannedProcess;
export function planStack(options: { env: Env; stateDir: string; counts?: Partial<Record<AppName, number>> }): PlannedProcess[];
export function platformVariables(root?: string): Set<string>;
export function appEnvironment(planned: PlannedProcess, names?: Set<string>): Array<[string, string]>;
export function migrate(env: Env, root?: string): Promise<string>;
export function waitReady(url: string, options?: { timeoutMs?: number; exited?: () => boolean }): Promise<void>;
