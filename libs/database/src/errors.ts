/**
 * True for Prisma's unique-constraint violation (P2002), e.g. to turn a duplicate project slug
 * into a 409. With `fields`, only when the violated constraint is the unique index on exactly
 * those fields, in schema order (Prisma field names, e.g. ['projectId', 'key', 'target'], or
 * column names).
 *
 * Why not just compare a field list: with driver adapters (Prisma 7 + adapter-pg) the error only
 * names the index (meta.driverAdapterError.cause.constraint.index, e.g. "projects_slug_key").
 * Migrations use Prisma's default index names, `<table>_<column>_..._key`, so the expected name is
 * derived from the fields; our columns are the snake_case of the field names (@map).
 * Duck-typed on `code`, so it also works across copies of @prisma/client.
 */
export function isUniqueViolation(err: unknown, fields?: string[]): boolean {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== 'P2002') return false;
  if (!fields) return true;
  const meta = (err as { meta?: Record<string, any> }).meta ?? {};
  // Classic engines report the fields themselves.
  if (Array.isArray(meta.target)) return sameList(meta.target.map(String), fields);
  const { index, table } = violatedIndex(err);
  if (!index || !table) return false;
  const columns = fields.map(toColumn);
  return index === `${table}_${columns.join('_')}_key` || index === `${table}_${fields.join('_')}_key`;
}

/** The violated index and its table, as reported through the driver adapter. */
export function violatedIndex(err: unknown): { index?: string; table?: string } {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: Record<string, any> } } })?.meta?.driverAdapterError
    ?.cause;
  if (!cause) return {};
  const fromMessage = /unique constraint "([^"]+)"/.exec(String(cause.originalMessage ?? ''))?.[1];
  return { index: cause.constraint?.index ?? fromMessage, table: cause.table };
}

function toColumn(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i] || x === toColumn(b[i]));
}
