/**
 * How a `Host` header is classified, before any table lookup. Only the `Host` header is
 * read: `X-Forwarded-Host` and friends come from the client and never take part in routing.
 */
export type ParsedHost =
  /** Malformed: not a DNS name or IP literal, bad port, over-long. Answered with 400. */
  | { kind: 'invalid' }
  /** The platform itself (root domain, `localhost`, an IP literal): health endpoints only. */
  | { kind: 'platform' }
  /** One label directly under the root domain: a project slug or a preview label. */
  | { kind: 'tenant'; label: string }
  /** Any other well-formed name: looked up in the custom-domain map. */
  | { kind: 'custom'; name: string };

export const MAX_HOST_LENGTH = 253;

const PORT = /:(\d{1,5})$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]{2,45}\](?::\d{1,5})?$/;

const INVALID: ParsedHost = Object.freeze({ kind: 'invalid' });
const PLATFORM: ParsedHost = Object.freeze({ kind: 'platform' });

/**
 * Parses a raw `Host` header value against the root domain (lower-case, validated by config).
 * Case-insensitive, port and one trailing dot ignored; anything that is not a plain DNS name
 * or IP literal is invalid (no userinfo, no paths, no percent-encoding, no underscores).
 */
export function parseHost(raw: string | undefined, rootDomain: string): ParsedHost {
  if (!raw || raw.length > MAX_HOST_LENGTH + 7) return INVALID;
  let host = raw.toLowerCase();
  if (host.charCodeAt(0) === 0x5b /* [ */) return IPV6_LITERAL.test(host) && validPort(host) ? PLATFORM : INVALID;
  const port = PORT.exec(host);
  if (port) {
    if (Number(port[1]) > 65535) return INVALID;
    host = host.slice(0, port.index);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return INVALID;
  const labels = host.split('.');
  for (const label of labels) if (!LABEL.test(label)) return INVALID;
  if (IPV4.test(host)) return labels.every((l) => Number(l) <= 255) ? PLATFORM : INVALID;
  if (host === rootDomain || host === 'localhost') return PLATFORM;
  if (host.length > rootDomain.length + 1 && host.endsWith(rootDomain) && host.charCodeAt(host.length - rootDomain.length - 1) === 0x2e) {
    const sub = host.slice(0, host.length - rootDomain.length - 1);
    // Tenant hosts are exactly one label under the root; deeper names are not ours to guess.
    return sub.includes('.') ? { kind: 'custom', name: host } : { kind: 'tenant', label: sub };
  }
  return { kind: 'custom', name: host };
}

function validPort(host: string): boolean {
  const port = PORT.exec(host);
  return !port || Number(port[1]) <= 65535;
}

/** Crockford base32 as `@deploysphere/common` ids use it (no i, l, o, u): the whole 26-character id part. */
const PREVIEW_LABEL = /^([0-9a-hjkmnp-tv-z]{26})-[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The deployment key of a preview label `<26-char id part>-<slug>` (see `previewLabel` in
 * `@deploysphere/common`); ids contain no hyphen, so the first one ends the key. Shorter id
 * prefixes are not preview labels: their characters are mostly the creation time, guessable.
 */
export function previewKey(label: string): string | undefined {
  return PREVIEW_LABEL.exec(label)?.[1];
}

/** The 26-character part of an id such as `dpl_01jd8x3k9m2f4q7r8s9t0v1w2x`. */
export function idKey(id: string): string {
  const i = id.indexOf('_');
  return i < 0 ? id : id.slice(i + 1);
}
