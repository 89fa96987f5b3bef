import { request } from 'node:http';

export interface SiteResponse {
  status: number;
  body: string;
}

/**
 * GET a site URL the API returned, through the edge on loopback: the connection goes to
 * 127.0.0.1 at the URL's port and the URL's host travels in `Host` (a `*.localhost` or custom
 * domain name need not resolve on the test machine).
 */
export function getSite(url: string): Promise<SiteResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target.port || 80, path: `${target.pathname}${target.search}`, headers: { host: target.host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The edge learns a READY deployment or a moved alias from events: waits (bounded) until `url` answers 200. */
export async function siteWhenServed(url: string, timeoutMs = 60_000): Promise<SiteResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await getSite(url);
    if (response.status === 200 || Date.now() > deadline) return response;
    await new Promise((r) => setTimeout(r, 100));
  }
}
