import { cacheControlFor, CACHE_IMMUTABLE, CACHE_REVALIDATE, isCompressibleType, isContentHashedName, servedContentType } from './content-policy';

describe('content policy', () => {
  it.each([
    'assets/app.3f9a1c.css',
    'main-3f9a1c2b.js',
    'assets/index-BdfVwBn9.js',
    'chunk.0a1b2c3d4e5f.js',
    '_next/static/chunks/framework.5f4595e5518b5600.js',
    'fonts/inter.a1b2c3d4.woff2',
  ])('%s is content-hashed', (name) => {
    expect(isContentHashedName(name)).toBe(true);
  });

  it.each(['app.css', 'app.module.css', 'jquery.min.js', 'app.facade.js', 'my-component.js', 'logo-2024.png', 'robots.txt', 'index.html', 'deadbeef/app.js'])(
    '%s is not content-hashed',
    (name) => {
      expect(isContentHashedName(name)).toBe(false);
    },
  );

  it('never makes HTML immutable, even with a hashed name', () => {
    expect(cacheControlFor('page.3f9a1c.html', 'text/html; charset=utf-8')).toBe(CACHE_REVALIDATE);
    expect(cacheControlFor('app.3f9a1c.js', 'application/javascript')).toBe(CACHE_IMMUTABLE);
  });

  it('compresses text-like types only', () => {
    for (const t of ['text/html; charset=utf-8', 'application/javascript', 'application/json', 'image/svg+xml', 'application/wasm', 'font/ttf']) {
      expect(isCompressibleType(t)).toBe(true);
    }
    for (const t of ['image/png', 'image/jpeg', 'font/woff2', 'application/zip', 'application/gzip', 'video/mp4', 'application/octet-stream']) {
      expect(isCompressibleType(t)).toBe(false);
    }
  });

  it('gives text types an explicit charset and unknown ones a safe default', () => {
    expect(servedContentType('text/css')).toBe('text/css; charset=utf-8');
    expect(servedContentType('text/html; charset=iso-8859-1')).toBe('text/html; charset=iso-8859-1');
    expect(servedContentType('image/png')).toBe('image/png');
    expect(servedContentType('')).toBe('application/octet-stream');
  });
});
