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

  it('leaves text alone when there is nothing to mask', () => {
    expect(SecretMask.NONE.apply('plain')).toBe('plain');
    expect(new SecretMask(['ab']).empty).toBe(true);
  });
});
