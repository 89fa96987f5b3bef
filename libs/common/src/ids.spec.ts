import { ID_PATTERN, newId } from './ids';

describe('newId', () => {
  it('is prefixed, DNS-label safe and matches ID_PATTERN', () => {
    const id = newId('dpl');
    expect(id).toMatch(ID_PATTERN);
    expect(id.split('_')[1]).toMatch(/^[0-9a-z]{26}$/);
  });

  it('sorts by creation time', () => {
    const ids = [newId('prj', 1_700_000_000_000), newId('prj', 1_700_000_000_001), newId('prj', 1_800_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('evt', 0)));
    expect(ids.size).toBe(10_000);
  });
});
