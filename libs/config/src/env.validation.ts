import { existsSync } from 'node:fs';
import { AccountsEnvironment } from './accounts.config';
import { AcmeEnvironment } from './acme.config';
import { AppRuntimeEnvironment, appRuntimeProblems } from './app-runtime.config';
import { AppsEnvironment, appsProblems } from './apps.config';
import { AuthEnvironment, authProblems } from './auth.config';
import { BuildsEnvironment, buildsProblems } from './builds.config';
import { areaVariables, checkArea, invalidConfiguration, type Raw } from './area.validation';
import { DatabaseEnvironment } from './database.config';
import { EdgeEnvironment } from './edge.config';
import { HttpEnvironment } from './http.config';
import { KafkaEnvironment } from './kafka.config';
import { LogsEnvironment } from './logs.config';
import { ObservabilityEnvironment } from './observability.config';
import { RedisEnvironment } from './redis.config';
import { RuntimeEnvironment } from './runtime.config';
import { SourceEnvironment } from './source.config';
import { StorageEnvironment, storageProblems } from './storage.config';

/** Every area's environment class: together they declare every variable the platform reads. */
export const AREA_ENVIRONMENTS = [
  RuntimeEnvironment,
  HttpEnvironment,
  DatabaseEnvironment,
  AuthEnvironment,
  AccountsEnvironment,
  KafkaEnvironment,
  RedisEnvironment,
  LogsEnvironment,
  SourceEnvironment,
  BuildsEnvironment,
  StorageEnvironment,
  EdgeEnvironment,
  AcmeEnvironment,
  AppsEnvironment,
  AppRuntimeEnvironment,
  ObservabilityEnvironment,
] as const;

/** The validated values of every area, as the variables' names. */
export type EnvironmentVariables = RuntimeEnvironment &
  HttpEnvironment &
  DatabaseEnvironment &
  AuthEnvironment &
  AccountsEnvironment &
  KafkaEnvironment &
  RedisEnvironment &
  LogsEnvironment &
  SourceEnvironment &
  BuildsEnvironment &
  StorageEnvironment &
  EdgeEnvironment &
  AcmeEnvironment &
  AppsEnvironment &
  AppRuntimeEnvironment &
  ObservabilityEnvironment;

/**
 * The `validate` hook for `ConfigModule.forRoot`: checks every area and returns the typed
 * values, or throws one message naming every bad variable and what it expects.
 */
export function validateEnvironment(raw: Raw): EnvironmentVariables {
  // Every given variable is kept (ConfigModule writes them back to process.env, `.env` ones
  // included); each area's own are replaced by their converted values.
  const env: Record<string, unknown> = { ...raw };
  const problems: string[] = [];
  for (const schema of AREA_ENVIRONMENTS) {
    const { values, problems: bad } = checkArea<object>(schema, raw);
    for (const name of areaVariables(schema)) env[name] = (values as Record<string, unknown>)[name];
    problems.push(...bad);
  }
  if (problems.length > 0) throw invalidConfiguration(problems);
  const valid = env as unknown as EnvironmentVariables;
  const rules = [...authProblems(valid), ...buildsProblems(valid), ...storageProblems(valid), ...appsProblems(valid), ...appRuntimeProblems(valid)];
  if (rules.length > 0) throw invalidConfiguration(rules);
  return valid;
}

/** Reads `.env` into this process's environment the way ConfigModule does: real environment variables win. */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/**
 * `.env`, then every area validated at once: run before Nest starts. A CLI that needs one area
 * calls loadDotEnv() and that area's factory, which checks only its own variables.
 */
export function loadEnvironment(): EnvironmentVariables {
  loadDotEnv();
  return validateEnvironment(process.env);
}
