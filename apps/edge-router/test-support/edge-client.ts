import { request as httpRequest } from 'node:http';

/** One GET to the edge on 127.0.0.1 with the given Host, as a browser would send it. */
export function get(port: number, host: string, path = '/'): Promise<{ status: number; body: string; deployment?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, deployment: res.headers['x-deploysphere-deployment'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls `probe` until it holds; fails after `ms`. Returns how long it took. */
export async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}
