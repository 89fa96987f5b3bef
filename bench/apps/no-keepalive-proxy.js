// The seed's design, as the baseline the edge must beat by 5x: node's `http-proxy` with no agent,
// so every request opens (and closes) a new connection to the instance.
//   node no-keepalive-proxy.js PORT UPSTREAM_IP:PORT [keepalive]
// With `keepalive`, the same library over a keep-alive Agent: what http-proxy-middleware (which
// wraps http-proxy) gives at best, the alternative the edge's own proxy was chosen over.
'use strict';
const { Agent, createServer } = require('node:http');
const httpProxy = require('http-proxy');

const [port, upstream, mode] = process.argv.slice(2);
const agent = mode === 'keepalive' ? new Agent({ keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' }) : false;
const proxy = httpProxy.createProxyServer({ target: `http://${upstream}`, xfwd: true, agent });
proxy.on('error', (_err, _req, res) => {
  if (!res.headersSent) res.writeHead(502);
  res.end();
});
createServer({ noDelay: true }, (req, res) => proxy.web(req, res)).listen(Number(port), '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
