import { parseRange, UNSATISFIABLE } from './byte-range';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=10-', { start: 10, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-1000', { start: 0, end: 99 }],
    ['bytes=90-1000', { start: 90, end: 99 }],
    [' bytes=5-5 ', { start: 5, end: 5 }],
  ])('%s of 100 bytes → %j', (header, range) => {
    expect(parseRange(header, 100)).toEqual(range);
  });

  it.each(['bytes=100-', 'bytes=100-200', 'bytes=-0'])('%s of 100 bytes cannot be met', (header) => {
    expect(parseRange(header, 100)).toBe(UNSATISFIABLE);
  });

  it.each([undefined, 'bytes=', 'bytes=-', 'bytes=5-2', 'bytes=0-1,4-5', 'items=0-1', 'bytes=a-b', 'bytes=1-2-3'])('ignores %s (the full file is served)', (header) => {
    expect(parseRange(header, 100)).toBeUndefined();
  });

  it('cannot satisfy any range of an empty file', () => {
    expect(parseRange('bytes=-5', 0)).toBe(UNSATISFIABLE);
    expect(parseRange('bytes=0-', 0)).toBe(UNSATISFIABLE);
  });
});
