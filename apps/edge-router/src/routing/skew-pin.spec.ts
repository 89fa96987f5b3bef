import { isNavigation, pinCookie, pinnedDeploymentIds } from './skew-pin';

const A = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const B = 'dpl_01jd8x3k9n0000000000000000';

describe('skew pin cookie', () => {
  it('finds every pin in a Cookie header, in order, whatever surrounds it', () => {
    expect(pinnedDeploymentIds(`__ds_dpl=${A}`)).toEqual([A]);
    expect(pinnedDeploymentIds(`a=1; __ds_dpl=${A};b=2;__ds_dpl=${B}`)).toEqual([A, B]);
    expect(pinnedDeploymentIds(`a=1;\t__ds_dpl= ${A} ; b=2`)).toEqual([A]);
    expect(pinnedDeploymentIds('a=1; b=2')).toEqual([]);
  });

  it('skips what is not a deployment id, and names that only end in the cookie name', () => {
    for (const header of [`x__ds_dpl=${A}`, `__ds_dpl=${A.toUpperCase()}`, `__ds_dpl=${A}0`, `__ds_dpl="${A}"`, '__ds_dpl=', `__ds_dpl=prj_${A.slice(4)}`, `__ds_dpl=dpl_01jd8x3k9m2f4q7r8s9t0v1w2i`]) {
      expect(pinnedDeploymentIds(header)).toEqual([]);
    }
  });

  it('is host-scoped, HttpOnly, Lax and lives as long as the window', () => {
    expect(pinCookie(A, 43_200_000)).toBe(`__ds_dpl=${A}; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax`);
  });

  it('tells navigations by Sec-Fetch-Mode, or by an Accept that asks for HTML first', () => {
    expect(isNavigation('navigate', '*/*')).toBe(true);
    expect(isNavigation('no-cors', 'text/html')).toBe(false);
    expect(isNavigation(undefined, 'text/html,application/xhtml+xml')).toBe(true);
    expect(isNavigation(undefined, '*/*')).toBe(false);
    expect(isNavigation(undefined, undefined)).toBe(false);
  });
});
