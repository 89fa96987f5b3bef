// Client-side parameter binding for ClickHouse. Server-side query parameters (`{name:Type}` +
// `param_*`) do not exist on 18.16, so every value is turned into a literal here, by type,
// and user input is never pasted into SQL text:
//  - strings become single-quoted literals with `\` and `'` escaped (and control characters
//    written as escapes), the only two characters that end or alter a ClickHouse string literal;
//  - numbers must be finite, bigints and booleans are written as numbers;
//  - identifiers (database, table) are checked against [A-Za-z_][A-Za-z0-9_]* and back-quoted;
//  - fragments built by this module nest as they are.
// The same SQL text runs on 18.16 and on current releases.

export class Sql {
  /** @internal use the `sql` tag or `identifier` */
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type SqlValue = string | number | bigint | boolean | null | Sql | readonly SqlValue[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A ClickHouse string literal for any JS string. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\'\0\b\f\n\r\t]/g, (c) => ESCAPES[c])}'`;
}

export function literal(value: SqlValue): string {
  if (value instanceof Sql) return value.text;
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot bind ${value} as a ClickHouse literal`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? '1' : '0';
    default:
      throw new TypeError(`cannot bind a value of type ${typeof value}`);
  }
}

/** Tagged template: `sql\`SELECT … WHERE id = ${id}\`` binds `id` as a literal. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += literal(values[i]) + strings[i + 1];
  return new Sql(text);
}

/** A back-quoted identifier; only names matching [A-Za-z_][A-Za-z0-9_]* are accepted. */
export function identifier(name: string): Sql {
  if (!IDENTIFIER.test(name)) throw new TypeError(`invalid ClickHouse identifier ${JSON.stringify(name)}`);
  return new Sql(`\`${name}\``);
}

/** `a AND b AND …` of the given conditions (`1` when none). */
export function and(conditions: readonly Sql[]): Sql {
  return new Sql(conditions.length ? conditions.map((c) => `(${c.text})`).join(' AND ') : '1');
}
