#!/usr/bin/env bash
# The edge's HTTPS against nginx with the same certificate, side by side on this machine.
#
#   bash bench/edge/https.sh          # DURATION=8 RUNS=3 CONNECTIONS=64 by default
#
# - the small HTML page and the 100 KB asset over HTTPS, keep-alive, with h2load (Debian's
#   nghttp2-client): HTTP/1.1 (`--h1`, 64 connections) and HTTP/2 (64 connections, 10 concurrent
#   streams each); requests/s and mean latency (h2load reports no percentiles). Not wrk: it sends
#   the URL's host as SNI and cannot connect elsewhere, and the edge presents no certificate
#   without a server name it knows (h2load's --connect-to keeps the name);
# - TLS handshakes/s: 500 connections with one request each (HTTP/1.1), the small page;
# - one ECDSA P-256 certificate for *.localhost (openssl) served by both: the edge as its root
#   wildcard, nginx (one worker, http2, same ciphers and curves) as its certificate.
# Servers pinned to CPU 0, clients to CPU 1 (when there are two cores); runs interleaved, medians,
# and the edge / nginx ratio per run. Loopback only; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-8}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-2}

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2 (apt)…" >&2; apt-get install -y -qq "$2" >/dev/null; }; }
need nginx nginx-light
need h2load nghttp2-client

work=$(mktemp -d /tmp/edge-https-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
if [ "$(nproc)" -ge 2 ]; then SERVER_CPU=(taskset -c 0); CLIENT_CPU=(taskset -c 1); else SERVER_CPU=(); CLIENT_CPU=(); fi

mkdir -p "$work/site/assets"
node -e '
const fs = require("fs"), crypto = require("crypto");
const dir = process.argv[1];
fs.writeFileSync(dir + "/index.html", `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title></head><body><main><h1>Hello from the edge</h1><p>${"Lorem ipsum dolor sit amet. ".repeat(30)}</p></main></body></html>\n`);
fs.writeFileSync(dir + "/assets/app.3f9a1c2b.js", crypto.randomBytes(75 * 1024).toString("base64").slice(0, 100 * 1024));
' "$work/site"
chmod -R a+rX "$work/site"
HTML=/index.html
ASSET=/assets/app.3f9a1c2b.js
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '/CN=*.localhost' \
  -addext 'subjectAltName=DNS:*.localhost' -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

EDGE_TLS=$(free_port)
"${SERVER_CPU[@]}" node -r ./bench/register.js bench/edge/edge-bench-server.ts --site "$work/site" --data "$work/artifacts" --projects 1 \
  --port "$(free_port)" --hosts "$work/hosts.txt" --tls-port "$EDGE_TLS" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" >"$work/edge.log" 2>&1 &
EDGE_PID=$!
pids+=("$EDGE_PID")
for _ in $(seq 1 1200); do grep -q '^READY' "$work/edge.log" && break; kill -0 "$EDGE_PID" 2>/dev/null || { cat "$work/edge.log" >&2; exit 1; }; sleep 0.1; done

NGINX_TLS=$(free_port)
mkdir -p "$work/nginx-tmp"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $work/nginx-access.log combined buffer=64k flush=1s;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  client_body_temp_path $work/nginx-tmp/body; proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi; uwsgi_temp_path $work/nginx-tmp/uwsgi; scgi_temp_path $work/nginx-tmp/scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
  ssl_ecdh_curve X25519:prime256v1:secp384r1;
  ssl_prefer_server_ciphers off;
  server {
    listen 127.0.0.1:$NGINX_TLS ssl http2;
    server_name _;
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    root $work/site;
    location / { try_files \$uri \$uri/ =404; }
  }
}
CONF
"${SERVER_CPU[@]}" nginx -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
NGINX_PID=$!
pids+=("$NGINX_PID")
for _ in $(seq 1 100); do curl -ksf -o /dev/null "https://127.0.0.1:$NGINX_TLS$HTML" && break; sleep 0.1; done

HOST=site-0.localhost
declare -A PORT=([edge]=$EDGE_TLS [nginx]=$NGINX_TLS)

# h2load → "rps mean_ms"; fails unless every request succeeded. SNI and :authority are the tenant host.
h2_run() { # port path duration h1|h2
  local out args=(-c"$CONNECTIONS" -D"$3" --connect-to="127.0.0.1:$1")
  if [ "$4" = h1 ]; then args+=(--h1); else args+=(-m10); fi
  out=$("${CLIENT_CPU[@]}" h2load "${args[@]}" "https://$HOST:$1$2" 2>&1)
  grep -qE 'requests: .* 0 failed, 0 errored' <<<"$out" || { echo "h2load errors on $1$2 ($4)" >&2; echo "$out" >&2; return 1; }
  [ "$4" = h1 ] || grep -q 'application protocol: h2' <<<"$out" || { echo "no h2 on $1" >&2; return 1; }
  awk '/^finished in/ { rps = $4 } /^time for request:/ { v = $5; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
       mean = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v } END { printf "%.0f %.3f\n", rps, mean }' <<<"$out"
}

# New connections: 500 clients, one request each → "handshakes_per_s mean_connect_ms".
handshakes() { # port
  local out
  out=$("${CLIENT_CPU[@]}" h2load --h1 -n500 -c500 --connect-to="127.0.0.1:$1" "https://$HOST:$1$HTML" 2>&1)
  grep -qE 'requests: 500 total, 500 started, 500 done, 500 succeeded' <<<"$out" || { echo "handshake run failed on $1" >&2; echo "$out" >&2; return 1; }
  awk '/^finished in/ { rps = $4 } /^time to connect:/ { v = $5; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
       mean = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v } END { printf "%.0f %.3f\n", rps, mean }' <<<"$out"
}

results="$work/results.txt"
: >"$results"
record() { if [ -n "${2%% *}" ]; then echo "$1 $2" >>"$results"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "edge HTTPS vs nginx (h2load): ${RUNS} runs x ${DURATION}s, ${CONNECTIONS} connections; server CPU: ${SERVER_CPU[*]:-any}, client CPU: ${CLIENT_CPU[*]:-any}"
for s in edge nginx; do
  for path in "$HTML" "$ASSET"; do h2_run "${PORT[$s]}" "$path" "$WARMUP" h1 >/dev/null || true; h2_run "${PORT[$s]}" "$path" "$WARMUP" h2 >/dev/null || true; done
done
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) -eq 1 ]; then order=(edge nginx); else order=(nginx edge); fi
  for row in "h1-html|$HTML" "h1-asset|$ASSET" "h2-html|$HTML" "h2-asset|$ASSET" "handshake|$HTML"; do
    IFS='|' read -r name path <<<"$row"
    declare -A got=()
    for s in "${order[@]}"; do
      case $name in
        h1-*) got[$s]=$(h2_run "${PORT[$s]}" "$path" "$DURATION" h1) || got[$s]='' ;;
        h2-*) got[$s]=$(h2_run "${PORT[$s]}" "$path" "$DURATION" h2) || got[$s]='' ;;
        handshake) got[$s]=$(handshakes "${PORT[$s]}") || got[$s]='' ;;
      esac
      record "$s-$name" "${got[$s]}"
    done
    record "ratio-$name" "$(ratio "${got[edge]%% *}" "${got[nginx]%% *}") $(ratio "${got[edge]#* }" "${got[nginx]#* }")"
  done
  echo "  run $run/$RUNS done"
done

col() { awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$results" | median; }
echo
echo "| row | edge rps | nginx rps | ratio | edge mean ms | nginx mean ms | ratio |"
echo "|---|---|---|---|---|---|---|"
for name in h1-html h1-asset h2-html h2-asset handshake; do
  echo "| $name | $(col "edge-$name" 2) | $(col "nginx-$name" 2) | $(col "ratio-$name" 2) | $(col "edge-$name" 3) | $(col "nginx-$name" 3) | $(col "ratio-$name" 3) |"
done
echo
echo "latency: h2load's mean time per request (handshake row: mean time to connect, TLS included); handshake rps = new TLS connections per second."

