import { isValidSlug, slugify } from './slug';

describe('slugify', () => {
  it.each([
    ['My App', 'my-app'],
    ['  Hello,   World!! ', 'hello-world'],
    ['Ünïcode Café', 'unicode-cafe'],
    ['日本語', 'project'],
    ['---', 'project'],
    ['www', 'www-site'],
    ['a'.repeat(80), 'a'.repeat(48)],
    ['Marketing Site', 'marketing-site'],
    ['Abcdefghjk Site', 'site-abcdefghjk-site'],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(isValidSlug(slug)).toBe(true);
  });

  it('never ends in a hyphen after truncation', () => {
    expect(slugify(`${'a'.repeat(47)} b`)).toBe('a'.repeat(47));
  });
});

describe('isValidSlug', () => {
  it.each(['a', 'my-app', 'x1', 'a'.repeat(63)])('accepts %j', (s) => expect(isValidSlug(s)).toBe(true));
  it.each(['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a--b', 'a'.repeat(64), 'api', 'www', 'a b', 'ä', 'abcdefghjk-x', '0123456789abcdefghjkmnpqrs-x'])('rejects %j', (s) =>
    expect(isValidSlug(s)).toBe(false),
  );
});
