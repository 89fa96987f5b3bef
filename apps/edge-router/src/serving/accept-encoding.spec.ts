import { ACCEPTS_BR, ACCEPTS_GZIP, PREFERS_GZIP, acceptedEncodings } from './accept-encoding';

describe('acceptedEncodings', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['identity', 0],
    ['gzip', ACCEPTS_GZIP],
    ['gzip, deflate, br', ACCEPTS_GZIP | ACCEPTS_BR],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', ACCEPTS_GZIP | ACCEPTS_BR],
    ['GZIP', ACCEPTS_GZIP],
    ['br;q=0, gzip', ACCEPTS_GZIP],
    ['gzip;q=0', 0],
    ['*', ACCEPTS_GZIP | ACCEPTS_BR],
    ['*, br;q=0', ACCEPTS_GZIP],
    ['*;q=0', 0],
    ['x-gzip', ACCEPTS_GZIP],
    ['brotli, gzipped', 0],
    ['gzip;q=1, br;q=0.5', ACCEPTS_GZIP | ACCEPTS_BR | PREFERS_GZIP],
    ['br;q=0.5, gzip', ACCEPTS_GZIP | ACCEPTS_BR | PREFERS_GZIP],
    ['gzip;q=0.5, br;q=0.5', ACCEPTS_GZIP | ACCEPTS_BR],
    ['gzip, *;q=0.1', ACCEPTS_GZIP | ACCEPTS_BR | PREFERS_GZIP],
  ])('%j → %d', (header, flags) => {
    expect(acceptedEncodings(header)).toBe(flags);
    expect(acceptedEncodings(header)).toBe(flags); // memoised answer is the same
  });
});
