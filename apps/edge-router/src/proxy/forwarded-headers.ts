/** Headers of one connection, never forwarded (RFC 9110 §7.6.1), plus the proxy's own. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers the edge drops besides: it answered `Expect: 100-continue` itself, and states the forwarding ones (a client's are not trusted). */
const REQUEST_ONLY = new Set(['expect', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded']);

/** The lower-case names a `Connection` header lists (each a hop-by-hop header too). */
function connectionTokens(raw: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 10 || raw[i].toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1].split(',')) {
      const name = token.trim().toLowerCase();
      if (name) (tokens ??= new Set()).add(name);
    }
  }
  return tokens;
}

function keep(name: string, named: Set<string> | undefined, request: boolean): boolean {
  const lower = name.toLowerCase();
  return !HOP_BY_HOP.has(lower) && !(request && REQUEST_ONLY.has(lower)) && !(named?.has(lower) ?? false);
}

/**
 * The request headers an instance gets, as a flat `rawHeaders`-style list: the client's minus
 * hop-by-hop ones (and those its `Connection` names), `X-Forwarded-For` with the peer appended,
 * `X-Forwarded-Proto` and `-Host` set by the edge; an HTTP/2 request's pseudo-headers become
 * HTTP/1.1's (`:authority` → `Host`; method and path are the request line). A WebSocket handshake keeps
 * `Connection: Upgrade` and its `Upgrade` header.
 */
export function requestHeaders(raw: readonly string[], peer: string | undefined, proto: 'http' | 'https', host: string, websocket = false): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let upgrade: string | undefined;
  let authority: string | undefined;
  let hasHost = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // HTTP/2 pseudo-headers: the instance speaks HTTP/1.1, where `:authority` is `Host`.
    if (name.charCodeAt(0) === 0x3a /* : */) {
      if (name === ':authority') authority = raw[i + 1];
      continue;
    }
    if (name.length === 4 && name.toLowerCase() === 'host') hasHost = true;
    if (name.length === 15 && name.toLowerCase() === 'x-forwarded-for') {
      forwardedFor = forwardedFor === undefined ? raw[i + 1] : `${forwardedFor}, ${raw[i + 1]}`;
      continue;
    }
    if (websocket && name.length === 7 && name.toLowerCase() === 'upgrade') upgrade = raw[i + 1];
    if (keep(name, named, true)) out.push(name, raw[i + 1]);
  }
  if (!hasHost && authority !== undefined) out.unshift('Host', authority);
  const client = peer?.startsWith('::ffff:') ? peer.slice(7) : peer;
  if (client !== undefined) forwardedFor = forwardedFor === undefined ? client : `${forwardedFor}, ${client}`;
  if (forwardedFor !== undefined) out.push('X-Forwarded-For', forwardedFor);
  out.push('X-Forwarded-Proto', proto, 'X-Forwarded-Host', host);
  if (upgrade !== undefined) out.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  return out;
}

/** The response headers the client gets: the instance's minus hop-by-hop ones. */
export function responseHeaders(raw: readonly string[]): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (keep(raw[i], named, false)) out.push(raw[i], raw[i + 1]);
  return out;
}
