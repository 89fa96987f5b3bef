import { failureForExit } from './build-failure';

describe('failureForExit', () => {
  it.each([
    [2, 'INVALID_CONFIGURATION'],
    [3, 'SOURCE_INVALID'],
    [9, 'PACKAGE_MANAGER_UNAVAILABLE'],
    [10, 'INSTALL_FAILED'],
    [11, 'BUILD_FAILED'],
    [12, 'OUTPUT_MISSING'],
    [13, 'OUTPUT_COPY_FAILED'],
    [137, 'BUILD_CRASHED'],
    [1, 'BUILD_CRASHED'],
    [null, 'BUILD_CRASHED'],
  ])('exit %p → %s', (exit, code) => {
    expect(failureForExit(exit).code).toBe(code);
  });

  it('an OOM kill wins over whatever exit status followed it', () => {
    expect(failureForExit(11, true).code).toBe('OUT_OF_MEMORY');
    expect(failureForExit(137, true).code).toBe('OUT_OF_MEMORY');
  });
});
