import { requestHeaders, responseHeaders } from './forwarded-headers';

const pairs = (flat: string[]) => {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
};

describe('forwarded headers', () => {
  it('drops hop-by-hop headers and those Connection names, appends the peer to X-Forwarded-For, and states -Proto and -Host', () => {
    const raw = [
      'Host', 'shop.example.com',
      'Connection', 'keep-alive, X-Hop',
      'X-Hop', 'secret',
      'Keep-Alive', 'timeout=5',
      'TE', 'trailers',
      'Trailer', 'X-Checksum',
      'Transfer-Encoding', 'chunked',
      'Upgrade', 'h2c',
      'Proxy-Authorization', 'Basic eA==',
      'Proxy-Connection', 'keep-alive',
      'Expect', '100-continue',
      'X-Forwarded-For', '203.0.113.9',
      'X-Forwarded-For', '198.51.100.1',
      'X-Forwarded-Proto', 'https',
      'X-Forwarded-Host', 'evil.example',
      'Forwarded', 'for=1.2.3.4',
      'Cookie', 'a=1',
      'Content-Length', '5',
    ];
    expect(pairs(requestHeaders(raw, '::ffff:192.0.2.7', 'http', 'shop.example.com'))).toEqual([
      ['Host', 'shop.example.com'],
      ['Cookie', 'a=1'],
      ['Content-Length', '5'],
      ['X-Forwarded-For', '203.0.113.9, 198.51.100.1, 192.0.2.7'],
      ['X-Forwarded-Proto', 'http'],
      ['X-Forwarded-Host', 'shop.example.com'],
    ]);
  });

  it('keeps Connection: Upgrade and the Upgrade header of a WebSocket handshake only', () => {
    const raw = ['Host', 'a.localhost', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'];
    expect(pairs(requestHeaders(raw, '127.0.0.1', 'https', 'a.localhost', true))).toEqual([
      ['Host', 'a.localhost'],
      ['Sec-WebSocket-Key', 'k'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'a.localhost'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
    ]);
  });

  it('strips a response of its hop-by-hop headers and keeps the rest, duplicates included', () => {
    const raw = ['Content-Type', 'text/plain', 'Connection', 'close, X-Internal', 'X-Internal', '1', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];
    expect(pairs(responseHeaders(raw))).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });
});
