import { DECORATORS } from '@nestjs/swagger';
import type { FieldError } from '@deploysphere/common';

/**
 * Rules every request DTO obeys, checked on the plain JSON before class-transformer and
 * class-validator see it, and read from the same `@ApiProperty` metadata the OpenAPI document
 * is built from, so the document and the server cannot disagree:
 *  - a field the DTO does not declare is unknown, whatever its name (`__proto__` included);
 *  - `null` is accepted only where the property is documented `nullable`;
 *  - a string never holds a C0 control character (PostgreSQL refuses NUL in text; the others
 *    make no sense in names, URLs or paths) unless its property documents a `pattern` of its own
 *    that says which characters it takes (e.g. a multi-line value).
 */

/** What the OpenAPI document adds to a string field without a pattern of its own. */
export const SINGLE_LINE_PATTERN = '^[^\\x00-\\x1f]*$';
/** For fields that hold text with lines and tabs: every C0 control but tab, line feed and carriage return is refused. */
export const MULTI_LINE_PATTERN = '^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]*$';

const CONTROL_CHARACTER = /[\x00-\x1f]/;

interface PropertyMetadata {
  type?: unknown;
  nullable?: boolean;
  pattern?: string;
  enum?: unknown;
  isArray?: boolean;
}

type Dto = abstract new (...args: never[]) => unknown;

/** The documented properties of a DTO class (its own and inherited), or undefined if it documents none. */
export function documentedProperties(dto: Dto): Map<string, PropertyMetadata> | undefined {
  const names: string[] | undefined = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype);
  if (!names?.length) return undefined;
  const properties = new Map<string, PropertyMetadata>();
  for (const name of names.map((n) => n.slice(1))) {
    properties.set(name, Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) ?? {});
  }
  return properties;
}

function nestedDto(meta: PropertyMetadata): Dto | undefined {
  const type = meta.type;
  if (typeof type !== 'function' || type === String || type === Number || type === Boolean || type === Object || type === Array) return undefined;
  return documentedProperties(type as Dto) ? (type as Dto) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field errors of `value` against `dto`'s rules; empty when it obeys them. */
export function checkInputRules(value: unknown, dto: Dto, parent = ''): FieldError[] {
  const properties = documentedProperties(dto);
  if (!properties) return [];
  if (!isPlainObject(value)) {
    return [{ field: parent || 'body', code: 'isObject', message: `${parent || 'the body'} must be a JSON object` }];
  }
  const errors: FieldError[] = [];
  for (const key of Object.keys(value)) {
    const field = parent ? `${parent}.${key}` : key;
    const meta = properties.get(key);
    if (!meta) {
      errors.push({ field, code: 'unknownField', message: `${field} is not a known field` });
      continue;
    }
    errors.push(...checkValue(value[key], meta, field));
  }
  return errors;
}

function checkValue(value: unknown, meta: PropertyMetadata, field: string): FieldError[] {
  if (value === null) {
    return meta.nullable ? [] : [{ field, code: 'isNotNull', message: `${field} must not be null` }];
  }
  if (typeof value === 'string') {
    // A documented pattern decides which characters are allowed (class-validator checks it); NUL never is.
    const bad = meta.pattern === undefined ? CONTROL_CHARACTER.test(value) : value.includes('\0');
    return bad ? [{ field, code: 'noControlCharacters', message: `${field} must not contain control characters` }] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => (item === null ? [] : checkValue(item, meta, `${field}.${i}`)));
  }
  const nested = nestedDto(meta);
  return nested && isPlainObject(value) ? checkInputRules(value, nested, field) : [];
}
