/** Sent on every response the edge writes, tenant files and platform pages alike. */
export const SECURITY_HEADERS: readonly string[] = Object.freeze([
  'X-Content-Type-Options',
  'nosniff',
  'Referrer-Policy',
  'strict-origin-when-cross-origin',
  'X-Frame-Options',
  'SAMEORIGIN',
]);

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'public, max-age=0, must-revalidate';

// A content hash in a file name, the way bundlers emit them: `app.3f9a1c.css`,
// `main-3f9a1c2b.js`, `index-BdfVwBn9.js`, `chunk.0a1b2c3d4e5f.js`. A hex token needs 6+
// characters with a digit; a base64url-ish token (Vite, Rollup) needs 8+ with a digit or mixed
// case. Plain words (`app.module.css`, `jquery.min.js`, `app.facade.js`) do not qualify.
const HASHED_NAME = /[.-]([0-9a-f]{6,64}|[A-Za-z0-9_]{8,64})\.[A-Za-z0-9]{1,10}$/;

export function isContentHashedName(path: string): boolean {
  const m = HASHED_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  if (!m) return false;
  const token = m[1];
  return /[0-9]/.test(token) || (/[a-z]/.test(token) && /[A-Z]/.test(token));
}

/** Immutable for content-hashed names (never HTML, which names the hashed files); revalidate for the rest. */
export function cacheControlFor(path: string, contentType: string): string {
  return !contentType.startsWith('text/html') && isContentHashedName(path) ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
}

const COMPRESSIBLE = /^(?:text\/|application\/(?:javascript|json|ld\+json|manifest\+json|xml|xhtml\+xml|rss\+xml|atom\+xml|wasm|x-javascript|vnd\.ms-fontobject)|image\/(?:svg\+xml|x-icon|vnd\.microsoft\.icon|bmp)|font\/(?:ttf|otf)|application\/(?:x-font-ttf|font-sfnt))/;

/** Types worth compressing; images, video, archives and woff fonts are compressed already. */
export function isCompressibleType(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/** Below this, compression saves less than its header costs. */
export const MIN_COMPRESS_BYTES = 1024;

/** Text types get an explicit charset so browsers never guess (manifests usually have one already). */
export function servedContentType(contentType: string | undefined): string {
  if (!contentType) return 'application/octet-stream';
  if (contentType.includes('charset=')) return contentType;
  if (/^(?:text\/|application\/(?:javascript|json|xml|manifest\+json|ld\+json)|image\/svg\+xml)/.test(contentType)) {
    return `${contentType}; charset=utf-8`;
  }
  return contentType;
}
