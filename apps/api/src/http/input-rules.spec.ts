import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { checkInputRules, MULTI_LINE_PATTERN } from './input-rules';
import { MAX_JSON_DEPTH, nestingDepth } from './json-body.parser';

class InnerDto {
  @ApiProperty() user!: string;
}

class OuterDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) note?: string | null;
  @ApiPropertyOptional({ pattern: MULTI_LINE_PATTERN }) text?: string;
  @ApiPropertyOptional({ type: [String] }) tags?: string[];
  @ApiPropertyOptional({ type: InnerDto, nullable: true }) inner?: InnerDto | null;
}

const json = (text: string) => JSON.parse(text) as unknown;

describe('checkInputRules', () => {
  it('accepts a body that obeys the rules', () => {
    expect(checkInputRules({ name: 'x', note: null, text: 'a\tb\r\nc', tags: ['a'], inner: { user: 'u' } }, OuterDto)).toEqual([]);
    expect(checkInputRules({ inner: null }, OuterDto)).toEqual([]);
  });

  it('names every undeclared field, __proto__ and constructor included', () => {
    expect(checkInputRules(json('{"__proto__": {"x": 1}, "constructor": 1, "other": 2, "inner": {"prototype": 3}}'), OuterDto).map((e) => [e.field, e.code])).toEqual([
      ['__proto__', 'unknownField'],
      ['constructor', 'unknownField'],
      ['other', 'unknownField'],
      ['inner.prototype', 'unknownField'],
    ]);
  });

  it('refuses null where the property is not nullable, at any depth', () => {
    expect(checkInputRules({ name: null, note: null, inner: { user: null } }, OuterDto)).toEqual([
      { field: 'name', code: 'isNotNull', message: 'name must not be null' },
      { field: 'inner.user', code: 'isNotNull', message: 'inner.user must not be null' },
    ]);
  });

  it('refuses C0 controls in strings and string arrays; a documented pattern decides for itself, but never takes NUL', () => {
    for (const c of ['\u0000', '\u0001', '\t', '\n', '\u001f']) {
      expect(checkInputRules({ name: `a${c}b`, tags: ['ok', `a${c}`] }, OuterDto).map((e) => e.field)).toEqual(['name', 'tags.1']);
    }
    expect(checkInputRules({ text: 'a\u0007b' }, OuterDto)).toEqual([]);
    expect(checkInputRules({ text: 'a\u0000b' }, OuterDto).map((e) => e.code)).toEqual(['noControlCharacters']);
    expect(checkInputRules({ name: 'café \u007f ok' }, OuterDto)).toEqual([]);
  });

  it('wants an object where a DTO is expected', () => {
    expect(checkInputRules([1], OuterDto)).toEqual([{ field: 'body', code: 'isObject', message: 'the body must be a JSON object' }]);
  });
});

describe('nestingDepth', () => {
  it('counts nested arrays and objects, and stops counting past the limit', () => {
    expect(nestingDepth('x')).toBe(0);
    expect(nestingDepth({ a: [1, { b: 2 }] })).toBe(3);
    const deep = json(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(nestingDepth(deep)).toBe(MAX_JSON_DEPTH + 1);
  });
});
