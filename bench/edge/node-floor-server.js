// Reference point, not a product: a bare node:http server answering each benchmark path with a
// precomputed response from memory (same headers as the edge sends). It is the ceiling for any
// router written on node:http, so edge/floor shows what the edge's own work costs.
//   node bench/edge/node-floor-server.js SITE_DIR PORT
'use strict';
const { createServer } = require('node:http');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const [site, port] = process.argv.slice(2);
const responses = new Map();
for (const [path, file, type] of [
  ['/index.html', 'index.html', 'text/html; charset=utf-8'],
  ['/assets/app.3f9a1c2b.js', 'assets/app.3f9a1c2b.js', 'application/javascript; charset=utf-8'],
]) {
  const body = readFileSync(join(site, file));
  const headers = [
    'Content-Type', type, 'Content-Length', String(body.length), 'Cache-Control', 'public, max-age=0, must-revalidate',
    'ETag', '"0000000000000000000000000000000000000000000000000000000000000000"', 'Accept-Ranges', 'bytes',
    'X-DeploySphere-Deployment', 'dpl_00000000000000000000000000', 'X-Content-Type-Options', 'nosniff',
    'Referrer-Policy', 'strict-origin-when-cross-origin', 'X-Frame-Options', 'SAMEORIGIN',
  ];
  responses.set(path, { headers, body });
}
const notFound = Buffer.from('not found');
createServer({ noDelay: true }, (req, res) => {
  const r = responses.get(req.url);
  if (r) res.writeHead(200, r.headers).end(r.body);
  else res.writeHead(404, { 'Content-Length': notFound.length }).end(notFound);
}).listen(Number(port), '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.once('SIGTERM', () => process.exit(0));
