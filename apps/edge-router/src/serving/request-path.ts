/** Longest request path accepted, counted on the raw (still percent-encoded) form. */
export const MAX_PATH_LENGTH = 2048;

/** Why a request path was refused (answered with 400; the code goes to the access log). */
export class RejectedPath {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    Object.freeze(this);
  }
}

const NOT_ORIGIN_FORM = new RejectedPath('PATH_NOT_ORIGIN_FORM', 'The request target must be a path starting with /.');
const TOO_LONG = new RejectedPath('PATH_TOO_LONG', `The path is longer than ${MAX_PATH_LENGTH} characters.`);
const BAD_ENCODING = new RejectedPath('PATH_BAD_ENCODING', 'The path is not valid percent-encoded UTF-8.');
const ENCODED_DELIMITER = new RejectedPath('PATH_ENCODED_DELIMITER', 'The path encodes a slash, backslash, NUL or percent sign.');
const FORBIDDEN_CHARACTER = new RejectedPath('PATH_FORBIDDEN_CHARACTER', 'The path contains a backslash, NUL or control character.');
const TRAVERSAL = new RejectedPath('PATH_TRAVERSAL', 'The path contains a dot-dot segment.');

// Percent-encoded `/`, `\`, NUL and `%` itself: an encoded separator must never become one,
// and `%25` would let a second decoding anywhere downstream undo this check.
const ENCODED_FORBIDDEN = /%(?:2f|5c|00|25)/i;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\x00-\x1f\x7f\\]/;
const ALL_DOTS = /^\.+$/;

/**
 * Turns a request target into the key of a manifest entry: query dropped, percent-decoding done
 * exactly once (invalid or overlong UTF-8 such as `%c0%ae` is refused by the decoder), empty and
 * `.` segments removed, any segment made only of dots refused (`..`, `%2e%2e`, `...`), no leading
 * slash. A trailing slash is kept (`docs/`, and `''` for the root): it asks for a directory index.
 *
 * The result is only ever used as a key into the deployment's own manifest; it never reaches a
 * file system, so what it cannot express (an escape from the deployment) cannot be served.
 */
export function normalizeRequestPath(url: string): string | RejectedPath {
  // The common case in one pass: printable ASCII, nothing encoded, no empty or dot-leading
  // segment. Anything else takes the general route below.
  if (url.charCodeAt(0) !== 0x2f) return NOT_ORIGIN_FORM;
  let end = url.length;
  let simple = true;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x3f /* ? */) {
      end = i;
      break;
    }
    if (c === 0x2f /* / */) {
      const next = url.charCodeAt(i + 1);
      if (next === 0x2f || next === 0x2e /* . */) simple = false;
    } else if (c === 0x25 /* % */ || c === 0x5c /* \ */ || c < 0x20 || c >= 0x7f) {
      simple = false;
    }
    if (!simple) break;
  }
  if (simple) return end > MAX_PATH_LENGTH ? TOO_LONG : url.slice(1, end);
  return normalizeGeneral(url);
}

function normalizeGeneral(url: string): string | RejectedPath {
  const q = url.indexOf('?');
  const raw = q < 0 ? url : url.slice(0, q);
  if (raw.charCodeAt(0) !== 0x2f) return NOT_ORIGIN_FORM;
  if (raw.length > MAX_PATH_LENGTH) return TOO_LONG;
  let path = raw;
  if (raw.includes('%')) {
    if (ENCODED_FORBIDDEN.test(raw)) return ENCODED_DELIMITER;
    try {
      path = decodeURIComponent(raw);
    } catch {
      return BAD_ENCODING;
    }
  }
  if (FORBIDDEN_CHARS.test(path)) return FORBIDDEN_CHARACTER;
  // Already normal (the common case): no empty or dot-leading segment anywhere.
  if (!path.includes('//') && !path.includes('/.')) return path.slice(1);
  const segments = path.split('/');
  const kept: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '' || segment === '.') continue;
    if (ALL_DOTS.test(segment)) return TRAVERSAL;
    kept.push(segment);
  }
  const last = segments[segments.length - 1];
  const directory = last === '' || last === '.';
  const normal = kept.join('/');
  return directory && normal !== '' ? `${normal}/` : normal;
}

/** Percent-encodes a normalized path back into a URL path for a `Location` header (always `/`-rooted, never `//`). */
export function encodePath(path: string): string {
  return '/' + path.split('/').map(encodeURIComponent).join('/');
}
