// The app every proxy in the bench forwards to: a bare node:http server in a container answering
// a small JSON body (keep-alive), so the proxies, not the app, are what is measured.
//   node upstream-server.js PORT
'use strict';
const { createServer } = require('node:http');

const body = Buffer.from(JSON.stringify({ ok: true, service: 'bench', items: [1, 2, 3] }));
const headers = ['Content-Type', 'application/json', 'Content-Length', String(body.length)];
const server = createServer({ noDelay: true }, (_req, res) => res.writeHead(200, headers).end(body));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] || 3000), '0.0.0.0', () => process.stdout.write('READY\n'));
process.on('SIGTERM', () => process.exit(0));
