import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';

/** Class-transformer helpers shared by the areas' environment classes. */
export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
export const toNumber = toInt;
export const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1' || value === true) return true;
  if (value === 'false' || value === '0' || value === false) return false;
  return value;
};
export const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
export const PORT = { message: 'must be an integer port number (0–65535; 0 picks a free port)' };

export type Raw = Record<string, unknown>;
type Ctor<T> = new () => T;

/** Variables whose whole value is a secret: a message gives only their length. */
const SECRET_VARIABLES = new Set(['DEPLOYSPHERE_ADMIN_TOKEN', 'METRICS_TOKEN', 'DEPLOYSPHERE_ENCRYPTION_KEY', 'CLICKHOUSE_PASSWORD']);

/**
 * A given value as a start-up message may quote it: a secret variable by its length only, and any
 * URL's user and password (`scheme://user:pass@host`) hidden. Cut to 60 characters.
 */
export function quoted(name: string, value: unknown): string {
  const text = String(value);
  if (SECRET_VARIABLES.has(name)) return `a value of ${text.length} characters, not shown`;
  return JSON.stringify(text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@')).slice(0, 60);
}

export interface BadVariable {
  name: string;
  /** What the variable must be. */
  expected: string;
  /** What was given, as a message may show it (never a converted NaN). */
  got: string;
}

const badVariables = (errors: ValidationError[], raw: Raw): BadVariable[] =>
  errors.map((e) => ({
    name: e.property,
    expected: Object.values(e.constraints ?? {})[0] ?? 'is invalid',
    got: raw[e.property] === undefined ? 'unset' : quoted(e.property, raw[e.property]),
  }));

export const invalidConfiguration = (problems: string[]): Error =>
  new Error(`Invalid configuration:\n${problems.join('\n')}\nSee .env.example for every variable and its default.`);

/** The variables an area's class declares. */
export const areaVariables = (schema: Ctor<object>): string[] => [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false).map((m) => m.propertyName)),
];

/** Converts and checks the variables one area's class declares: its typed values (defaults filled), its bad variables and one message line for each. */
export function checkArea<T extends object>(schema: Ctor<T>, raw: Raw): { values: T; bad: BadVariable[]; problems: string[] } {
  const values = plainToInstance(schema, raw, { exposeDefaultValues: true });
  const bad = badVariables(validateSync(values, { skipMissingProperties: false, forbidUnknownValues: false, stopAtFirstError: true }), raw);
  return { values, bad, problems: bad.map((b) => `  - ${b.name}: ${b.expected} (got ${b.got})`) };
}

/**
 * The values of one area read from this process's environment, for its `registerAs` factory.
 * Start-up has already validated every area (validateEnvironment), so this throws only when a
 * factory is used without it, and then with the same message.
 */
export function readArea<T extends object>(schema: Ctor<T>): T {
  const { values, problems } = checkArea(schema, process.env);
  if (problems.length > 0) throw invalidConfiguration(problems);
  return values;
}
