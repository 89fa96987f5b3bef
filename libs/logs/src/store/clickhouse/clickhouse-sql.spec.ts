import { and, identifier, literal, quoteString, sql } from './clickhouse-sql';

describe('ClickHouse parameter binding', () => {
  it('quotes strings, escaping only what ends or alters a literal', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString("\\'")).toBe("'\\\\\\''");
    expect(quoteString('tab\there\nnul\0')).toBe("'tab\\there\\nnul\\0'");
    expect(quoteString('ünïcødé ✓')).toBe("'ünïcødé ✓'");
  });

  it('keeps an injection attempt inside one literal', () => {
    const evil = "x' OR 1=1 --";
    expect(sql`SELECT 1 WHERE a = ${evil}`.text).toBe("SELECT 1 WHERE a = 'x\\' OR 1=1 --'");
    const trailing = "x\\' OR 1=1 --";
    expect(sql`SELECT 1 WHERE a = ${trailing}`.text).toBe("SELECT 1 WHERE a = 'x\\\\\\' OR 1=1 --'");
  });

  it('binds numbers, bigints, booleans, null and arrays by type', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-1.5)).toBe('-1.5');
    expect(literal(2n ** 64n - 1n)).toBe('18446744073709551615');
    expect(literal(true)).toBe('1');
    expect(literal(null)).toBe('NULL');
    expect(literal(['a', 1])).toBe("['a', 1]");
  });

  it('refuses values that have no literal', () => {
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => literal({} as never)).toThrow(TypeError);
  });

  it('accepts only plain identifiers, back-quoted', () => {
    expect(identifier('deploysphere_logs').text).toBe('`deploysphere_logs`');
    for (const bad of ['a-b', 'a`b', '1abc', '', 'a b', 'a;DROP']) expect(() => identifier(bad)).toThrow(TypeError);
  });

  it('nests fragments as they are and joins conditions', () => {
    const where = and([sql`a = ${1}`, sql`b = ${'x'}`]);
    expect(sql`SELECT * FROM ${identifier('t')} WHERE ${where}`.text).toBe("SELECT * FROM `t` WHERE (a = 1) AND (b = 'x')");
    expect(and([]).text).toBe('1');
  });
});
