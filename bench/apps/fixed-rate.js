// A fixed-rate HTTP client (wrk2 is not in Debian): sends RATE requests/s for DURATION seconds
// over CONNECTIONS keep-alive connections on a schedule fixed in advance, and measures each
// latency from the request's scheduled time (so a stalled server is charged for the requests it
// delayed: no coordinated omission). Prints "sent ok p50_ms p99_ms".
//   node fixed-rate.js URL HOST RATE DURATION CONNECTIONS
'use strict';
const { Agent, request } = require('node:http');

const [url, host, rate, duration, connections] = process.argv.slice(2);
const total = Math.round(Number(rate) * Number(duration));
const interval = 1000 / Number(rate);
const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
const latencies = [];
let ok = 0;
let done = 0;
const start = performance.now() + 50;

function fire(i) {
  const scheduled = start + i * interval;
  const req = request(url, { agent, headers: { host } }, (res) => {
    res.resume();
    res.on('end', () => {
      latencies.push(performance.now() - scheduled);
      if (res.statusCode === 200) ok++;
      finish();
    });
  });
  req.on('error', finish);
  req.end();
}
function finish() {
  if (++done < total) return;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
  process.stdout.write(`${total} ${ok} ${at(0.5)} ${at(0.99)}\n`);
  agent.destroy();
}
let next = 0;
(function tick() {
  const now = performance.now();
  while (next < total && start + next * interval <= now) fire(next++);
  if (next < total) setTimeout(tick, Math.max(0, Math.min(5, start + next * interval - performance.now())));
})();
