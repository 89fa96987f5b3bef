import { inspect } from 'node:util';
import { SecretMask } from './secret-mask';

describe('SecretMask', () => {
  it('masks a value wherever it appears, a longer secret that contains a shorter one whole', () => {
    const mask = new SecretMask(['hunter2-secret', 'hunter2', 'no']);
    expect(mask.apply('token=hunter2-secret and hunter2, no')).toBe('token=*** and ***, no');
  });

  it('masks a value with a NUL as quoted by JSON, Node (inspect, spawn errors) and the Docker engine (Go %q), and its pieces', () => {
    const secret = 'nul-canary\u0000tail-part';
    const mask = new SecretMask([secret]);
    const docker = 'environment variable value can\'t contain null(\\x00): "A=nul-canary\\x00tail-part": unknown';
    expect(mask.apply(docker)).toBe('environment variable value can\'t contain null(\\x00): "A=***": unknown');
    expect(mask.apply(JSON.stringify({ v: secret }))).toBe('{"v":"***"}');
    expect(mask.apply(inspect(secret))).toBe("'***'");
    expect(mask.apply('cut at the NUL: nul-canary')).toBe('cut at the NUL: ***');
    expect(mask.apply('after it: tail-part')).toBe('after it: ***');
    expect(mask.apply(secret.replace('\u0000', '\uFFFD'))).toBe('***');
  });

  it('masks each line of a multi-line secret (build output arrives line by line)', () => {
    const mask = new SecretMask(['first-line\nsecond-line']);
    expect(['x=first-line', 'second-line'].map((l) => mask.apply(l))).toEqual(['x=***', '***']);
    expect(mask.apply('"first-line\\nsecond-line"')).toBe('"***"');
  });

  it('masks unicode and very long values', () => {
    const unicode = 'ünï-cødé-🔑-秘密-"q"';
    const long = `long-${'x'.repeat(20_000)}`;
    const mask = new SecretMask([unicode, long]);
    expect(mask.apply(`a=${unicode} b=${long}`)).toBe('a=*** b=***');
    expect(mask.apply(JSON.stringify(unicode))).toBe('"***"');
  });

  it('finds a cut that goes through no secret: before one that crosses the limit, after one longer than a piece', () => {
    const mask = new SecretMask(['s3cret-value', 'x'.repeat(30)]);
    expect(mask.cutPoint('short', 10)).toBe(5);
    expect(mask.cutPoint('abcdefghijklmnop', 10)).toBe(10);
    // Crossing the limit at 10: cut before it, so it is masked whole in the next piece.
    expect(mask.cutPoint('abcdes3cret-value-tail', 10)).toBe(5);
    // Starting the text and longer than a piece: the piece is the secret, masked as ***.
    const long = `${'x'.repeat(30)}-rest`;
    expect(mask.cutPoint(long, 10)).toBe(30);
    expect(mask.apply(long.slice(0, 30))).toBe('***');
    expect(SecretMask.NONE.cutPoint('abcdefghijklmnop', 10)).toBe(10);
    // Never between the halves of a surrogate pair.
    expect(SecretMask.NONE.cutPoint('abcdefghi🔑jk', 10)).toBe(9);
  });

  it('leaves text alone when there is nothing to mask', () => {
    expect(SecretMask.NONE.apply('plain')).toBe('plain');
    expect(new SecretMask(['ab']).empty).toBe(true);
  });
});
