import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';

/** ASCII case-insensitive equality against a lower-case name, without allocating. */
function isHeader(name: string, lower: string): boolean {
  if (name === lower) return true;
  for (let i = 0; i < lower.length; i++) if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/**
 * One request in flight with the few headers the edge reads, picked from `rawHeaders` in one
 * pass (cheaper than materialising `req.headers`, and it sees duplicate `Host` headers, which
 * `req.headers` would silently drop).
 */
export class Exchange {
  readonly started = performance.now();
  readonly time = Date.now();
  readonly method: string;
  readonly url: string;
  readonly head: boolean;
  host: string | undefined = undefined;
  hostCount = 0;
  acceptEncoding: string | undefined = undefined;
  ifNoneMatch: string | undefined = undefined;
  ifModifiedSince: string | undefined = undefined;
  range: string | undefined = undefined;
  ifRange: string | undefined = undefined;
  userAgent: string | undefined = undefined;
  cookie: string | undefined = undefined;
  accept: string | undefined = undefined;
  secFetchMode: string | undefined = undefined;
  contentLength: string | undefined = undefined;
  transferEncoding: string | undefined = undefined;
  /** Set for a production host's answers: its HTML carries the skew pin cookie. */
  pinning = false;
  /** Epoch ms since which the host has served its deployment: the production alias's last move, 0 for a preview. */
  liveSince = 0;
  /** Came over TLS (HTTP/1.1 or HTTP/2 on the HTTPS listener). */
  readonly secure: boolean;
  /** The answer carries Strict-Transport-Security (HTTPS, and the project turned it on). */
  hsts = false;
  projectId: string | null = null;
  deploymentId: string | null = null;
  done = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.method = req.method ?? '';
    this.url = req.url ?? '';
    this.head = this.method === 'HEAD';
    this.secure = (req.socket as TLSSocket | null)?.encrypted === true;
    let authority: string | undefined;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      switch (name.length) {
        case 4:
          if (isHeader(name, 'host')) {
            this.host = raw[i + 1];
            this.hostCount++;
          }
          break;
        case 5:
          if (isHeader(name, 'range')) this.range = raw[i + 1];
          break;
        case 6:
          if (isHeader(name, 'cookie')) this.cookie = this.cookie === undefined ? raw[i + 1] : `${this.cookie}; ${raw[i + 1]}`;
          else if (isHeader(name, 'accept')) this.accept = raw[i + 1];
          break;
        case 8:
          if (isHeader(name, 'if-range')) this.ifRange = raw[i + 1];
          break;
        case 10:
          if (isHeader(name, 'user-agent')) this.userAgent = raw[i + 1];
          // HTTP/2's Host (node's compat API lists the pseudo-headers in rawHeaders).
          else if (name === ':authority') authority = raw[i + 1];
          break;
        case 13:
          if (isHeader(name, 'if-none-match')) this.ifNoneMatch = raw[i + 1];
          break;
        case 14:
          if (isHeader(name, 'sec-fetch-mode')) this.secFetchMode = raw[i + 1];
          else if (isHeader(name, 'content-length')) this.contentLength = raw[i + 1];
          break;
        case 15:
          if (isHeader(name, 'accept-encoding')) this.acceptEncoding = raw[i + 1];
          break;
        case 17:
          if (isHeader(name, 'if-modified-since')) this.ifModifiedSince = raw[i + 1];
          else if (isHeader(name, 'transfer-encoding')) this.transferEncoding = raw[i + 1];
          break;
      }
    }
    // RFC 9113 §8.3.1: `:authority` stands for Host; a Host that disagrees with it is a second host.
    if (authority !== undefined) {
      if (this.host === undefined) {
        this.host = authority;
        this.hostCount = 1;
      } else if (this.host !== authority) this.hostCount++;
    }
  }
}
