import { domainToASCII, domainToUnicode } from 'node:url';
import type { FieldError } from '@deploysphere/common';
import { VERIFICATION_LABEL } from './domain-verification';

/** `_deploysphere.` is prepended for the TXT check, and a DNS name holds 253 characters. */
export const MAX_HOSTNAME_LENGTH = 253 - VERIFICATION_LABEL.length - 1;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Top-level domains are letters (or an IDNA `xn--` label): this also rules out every IPv4 form. */
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/**
 * ASCII other than letters, digits, `-` and `.` (`%`, `_`, `*`, `@`, `:`, `/`, brackets, spaces,
 * controls), refused before IDNA mapping: the WHATWG host parser behind `domainToASCII` would
 * percent-decode or keep some of them.
 */
const FOREIGN_ASCII = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/;
/** The characters a hostname may hold at all, as a pattern for the API document. */
export const HOSTNAME_CHARACTERS = `^[^${FOREIGN_ASCII.source.slice(1, -1)}]+$`;
const INVISIBLE = /[\p{C}\p{Z}]/u;

export type HostnameResult = { hostname: string } | { error: FieldError };

const invalid = (code: string, message: string): HostnameResult => ({ error: { field: 'hostname', code, message } });

/**
 * The one spelling a custom domain is stored, compared and served under: IDNA (UTS #46) mapped
 * to lower-case ASCII/punycode with `node:url`'s `domainToASCII`, one trailing dot dropped.
 * Refuses what the edge could never serve or must not serve: IP addresses, single labels,
 * the platform's own root domain and anything under it, and `localhost` names.
 */
export function normalizeHostname(raw: string, rootDomain: string): HostnameResult {
  const input = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  // IPv4 in any form (`127.1`, `0x7f.0.0.1`) comes out of domainToASCII dotted-decimal and
  // fails the TLD rule below; an IPv6 literal is caught here, before `:` makes it merely invalid.
  if (/^\[?[0-9a-f]*:[0-9a-f:.]*\]?$/i.test(input)) {
    return invalid('ipAddress', 'hostname must be a domain name, not an IP address');
  }
  if (input.length === 0 || FOREIGN_ASCII.test(input) || INVISIBLE.test(input)) {
    return invalid('invalidHostname', 'hostname must be a domain name such as www.example.com (letters, digits, hyphens and dots only)');
  }
  const ascii = domainToASCII(input);
  if (ascii === '') return invalid('invalidHostname', 'hostname is not a valid internationalized domain name');
  const labels = ascii.split('.');
  if (labels.length < 2) return invalid('invalidHostname', 'hostname needs at least two labels, such as example.com');
  if (ascii.length > MAX_HOSTNAME_LENGTH) {
    return invalid('invalidHostname', `hostname must be at most ${MAX_HOSTNAME_LENGTH} characters (in its ASCII form)`);
  }
  if (!labels.every((l) => LABEL.test(l))) {
    return invalid('invalidHostname', 'each label of hostname must be 1–63 letters, digits or inner hyphens');
  }
  // Node 20's host parser refused undecodable punycode (`xn--abc`); Node 24's passes it through
  // unchanged, so each `xn--` label must decode and encode back to itself.
  if (!labels.every((l) => !l.startsWith('xn--') || isPunycodeLabel(l))) {
    return invalid('invalidHostname', 'hostname is not a valid internationalized domain name');
  }
  const tld = labels[labels.length - 1];
  if (/^[0-9]+$/.test(tld)) return invalid('ipAddress', 'hostname must be a domain name, not an IP address');
  if (!TLD.test(tld)) return invalid('invalidHostname', 'hostname must end in a top-level domain made of letters');
  for (const reserved of [rootDomain, 'localhost']) {
    if (ascii === reserved || ascii.endsWith(`.${reserved}`)) {
      return invalid('reservedHostname', `hostname must not be ${reserved} or under it: those names belong to the platform`);
    }
  }
  return { hostname: ascii };
}

function isPunycodeLabel(label: string): boolean {
  const unicode = domainToUnicode(label);
  return unicode !== '' && unicode !== label && domainToASCII(unicode) === label;
}
