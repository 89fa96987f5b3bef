import { request } from 'node:http';

/** One HTTP GET of `path` at `address` (`ip:port`): healthy on a 2xx or 3xx answer within `timeoutMs`. */
export function probeHealth(address: string, path: string, timeoutMs = 2_000): Promise<boolean> {
  const [, host, port] = /^\[?([^\]]+)\]?:(\d+)$/.exec(address) ?? [];
  if (!host) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ host, port: Number(port), path, method: 'GET', timeout: timeoutMs, agent: false, headers: { 'user-agent': 'deploysphere-health', connection: 'close' } }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
