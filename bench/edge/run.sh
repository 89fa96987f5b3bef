#!/usr/bin/env bash
# Edge router vs nginx, side by side on this machine, same files, same client.
#
#   bash bench/edge/run.sh            # DURATION=8 RUNS=5 CONNECTIONS=64 by default
#
# - a small HTML page and a 100 KB asset, served by the edge router (production classes over
#   the real fs artifact store) and by Debian's nginx from disk; wrk, keep-alive, 64
#   connections, caches warmed first; targets: edge >= 50% of nginx's requests/s, p99 <= 2x;
#   a bare node:http server answering from memory runs alongside as the node ceiling;
# - the edge with 1 project vs 1,000 projects in its route table (requests spread round robin
#   over every project's host); target: within +-10%;
# - the edge alone with what browsers send (interleaved with plain requests to the same page):
#   `Accept-Encoding: gzip, deflate, br` (a compressed variant), a revalidation by `If-None-Match`
#   (304), a `Range` of the asset (206); reported as a share of the plain page's rps in the same
#   run, which is what stays comparable between runs on a noisy machine;
# - with BASELINE=<git ref>, that version of the edge too (extracted from git, sharing this
#   checkout's node_modules), in the same rotation for the page, the asset and the browser rows,
#   reported as this checkout / baseline per run (median): a before/after that the machine's
#   load cannot skew, since both see the same load at the same time.
# With two or more cores the servers are pinned to CPU 0 and wrk to CPU 1, so each server gets
# one core (Node serves from one thread; nginx runs one worker for the same budget).
# Runs are interleaved (the order rotates every run) and medians reported, because a shared
# machine is noisy; each measurement also gives the server's CPU time per request (from
# /proc, its own and its children's), which the load on other cores distorts far less than rps. Loopback only. Every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-8}
RUNS=${RUNS:-5}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-3}
PROJECTS=${PROJECTS:-1000}
BASELINE=${BASELINE:-}

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2 (apt)…" >&2; apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx-light

work=$(mktemp -d /tmp/edge-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$(nproc)" -ge 2 ]; then SERVER_CPU=(taskset -c 0); CLIENT_CPU=(taskset -c 1); THREADS=1; else SERVER_CPU=(); CLIENT_CPU=(); THREADS=1; fi

# The site: a small HTML page and a 100 KB content-hashed asset (incompressible bytes as text).
mkdir -p "$work/site/assets"
node -e '
const fs = require("fs"), crypto = require("crypto");
const dir = process.argv[1];
fs.writeFileSync(dir + "/index.html", `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title><link rel="stylesheet" href="/assets/app.3f9a1c2b.css"></head><body><main><h1>Hello from the edge</h1><p>${"Lorem ipsum dolor sit amet. ".repeat(30)}</p></main><script src="/assets/app.3f9a1c2b.js"></script></body></html>\n`);
fs.writeFileSync(dir + "/assets/app.3f9a1c2b.js", crypto.randomBytes(75 * 1024).toString("base64").slice(0, 100 * 1024));
' "$work/site"
chmod -R a+rX "$work/site"
HTML=/index.html
ASSET=/assets/app.3f9a1c2b.js

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_http() { # port host path
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null -H "Host: $2" "http://127.0.0.1:$1$3" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server on port $1 did not answer" >&2
  return 1
}

start_edge() { # projects [checkout] → sets EDGE_PORT EDGE_PID EDGE_HOSTS
  local n=$1 root=${2:-.} tag=${2:+-base}
  local log="$work/edge-$n$tag.log"
  EDGE_HOSTS="$work/hosts-$n$tag.txt"
  EDGE_PORT=$(free_port)
  (cd "$root" && exec "${SERVER_CPU[@]}" node -r ./bench/register.js bench/edge/edge-bench-server.ts \
    --site "$work/site" --data "$work/artifacts-$n$tag" --projects "$n" --port "$EDGE_PORT" --hosts "$EDGE_HOSTS") >"$log" 2>&1 &
  EDGE_PID=$!
  pids+=("$EDGE_PID")
  for _ in $(seq 1 1200); do grep -q '^READY' "$log" && break; kill -0 "$EDGE_PID" 2>/dev/null || { cat "$log" >&2; return 1; }; sleep 0.1; done
  grep -q '^READY' "$log" || { echo "edge did not start" >&2; cat "$log" >&2; return 1; }
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

start_nginx() { # → sets NGINX_PORT NGINX_PID
  NGINX_PORT=$(free_port)
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
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    server_name _;
    root $work/site;
    location / { try_files \$uri \$uri/ =404; }
  }
}
CONF
  "${SERVER_CPU[@]}" nginx -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
  NGINX_PID=$!
  pids+=("$NGINX_PID")
  wait_http "$NGINX_PORT" localhost "$HTML"
}

TICK_US=$((1000000 / $(getconf CLK_TCK)))
cpu_ticks() { # pid → user+system clock ticks of it and its children (nginx's worker)
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$total"
}

# wrk → "rps p99ms [cpu_us_per_request]" (the last with CPU_PID=<server pid>); fails on any error or
# non-2xx answer, so a misconfigured run never counts.
measure() { # url duration [wrk args…]
  local url=$1 duration=$2
  shift 2
  local out before=0 after=0
  if [ -n "${CPU_PID:-}" ]; then before=$(cpu_ticks "$CPU_PID"); fi
  out=$("${CLIENT_CPU[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${duration}s" --timeout 10s --latency "$@" "$url")
  if [ -n "${CPU_PID:-}" ]; then after=$(cpu_ticks "$CPU_PID"); fi
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "wrk reported errors for $url:" >&2; echo "$out" >&2; return 1; fi
  awk -v ticks=$((after - before)) -v tick_us="$TICK_US" -v cpu="${CPU_PID:+1}" '
    /Requests\/sec:/ { rps = $2 }
    / requests in / { n = $1 }
    $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                  p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }
    END { printf "%.0f %.3f", rps, p99; if (cpu && n > 0) printf " %.1f", ticks * tick_us / n; printf "\n" }' <<<"$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b }'; }

results="$work/results.txt"
: >"$results"
# A measurement wrk reported errors for (or a ratio missing a side) is left out, not counted as 0.
record() { if [ -n "${2%% *}" ]; then echo "$1 $2" >>"$results"; fi; } # label "rps p99"

echo "edge router vs nginx: ${RUNS} runs x ${DURATION}s, ${CONNECTIONS} connections, keep-alive, wrk -t${THREADS}; server CPU: ${SERVER_CPU[*]:-any}, client CPU: ${CLIENT_CPU[*]:-any}"

start_edge 1
edge1_port=$EDGE_PORT
start_nginx
FLOOR_PORT=$(free_port)
"${SERVER_CPU[@]}" node bench/edge/node-floor-server.js "$work/site" "$FLOOR_PORT" >"$work/floor.log" 2>&1 &
FLOOR_PID=$!
pids+=("$FLOOR_PID")
wait_http "$FLOOR_PORT" localhost "$HTML"

declare -A URL=([edge]="http://127.0.0.1:$edge1_port" [nginx]="http://127.0.0.1:$NGINX_PORT" [floor]="http://127.0.0.1:$FLOOR_PORT")
declare -A PID=([edge]="$EDGE_PID" [nginx]="$NGINX_PID" [floor]="$FLOOR_PID")
declare -A HOST=([edge]=site-0.localhost [nginx]=localhost [floor]=localhost)
servers=(edge nginx floor)
if [ -n "$BASELINE" ]; then
  mkdir -p "$work/baseline"
  git archive "$BASELINE" apps libs bench | tar -x -C "$work/baseline"
  ln -s "$PWD/node_modules" "$work/baseline/node_modules"
  start_edge 1 "$work/baseline"
  BASE_PID=$EDGE_PID
  URL[base]="http://127.0.0.1:$EDGE_PORT" HOST[base]=site-0.localhost PID[base]=$EDGE_PID
  servers+=(base)
  echo "baseline: $BASELINE ($(git rev-parse --short "$BASELINE")) on port $EDGE_PORT"
fi
for path in "$HTML" "$ASSET"; do # warm every cache and JIT
  for s in "${servers[@]}"; do measure "${URL[$s]}$path" "$WARMUP" -H "Host: ${HOST[$s]}" >/dev/null || true; done
done
for run in $(seq 1 "$RUNS"); do
  # Rotate who goes first, so a burst of load elsewhere does not always hit the same server.
  shift_by=$(((run - 1) % ${#servers[@]}))
  order=("${servers[@]:$shift_by}" "${servers[@]:0:$shift_by}")
  for path in "$HTML" "$ASSET"; do
    name=$([ "$path" = "$HTML" ] && echo html || echo asset)
    declare -A got=()
    for s in "${order[@]}"; do
      got[$s]=$(CPU_PID=${PID[$s]} measure "${URL[$s]}$path" "$DURATION" -H "Host: ${HOST[$s]}") || got[$s]=''
      record "$s-$name" "${got[$s]}"
    done
    if [ -n "$BASELINE" ]; then record "vs-$name" "$(ratio "${got[edge]%% *}" "${got[base]%% *}") 0"; fi
  done
  echo "  run $run/$RUNS done (${servers[*]})"
done
stop_pid "$NGINX_PID"
stop_pid "$FLOOR_PID"

# What browsers send, edge only (and the baseline), each row also as a share of the plain page's rps.
HTML_ETAG="\"$(sha256sum "$work/site$HTML" | cut -d' ' -f1)\""
browser_rows() { # servers…: row by row, every server back to back, so a pair sees the same load
  local row srv out
  declare -A plain=()
  for row in "plain|$HTML" "br|$HTML|Accept-Encoding: gzip, deflate, br" "304|$HTML|If-None-Match: $HTML_ETAG|Accept-Encoding: gzip, deflate, br" "range|$ASSET|Range: bytes=0-1023"; do
    IFS='|' read -r -a f <<<"$row"
    local args=(-H "Host: site-0.localhost")
    for h in "${f[@]:2}"; do args+=(-H "$h"); done
    for srv in "$@"; do
      out=$(CPU_PID=${PID[$srv]} measure "${URL[$srv]}${f[1]}" "$DURATION" "${args[@]}") || out=''
      record "$srv-browser-${f[0]}" "$out"
      if [ "${f[0]}" = plain ]; then plain[$srv]=$out; else record "$srv-share-${f[0]}" "$(ratio "${out%% *}" "${plain[$srv]%% *}") 0"; fi
    done
  done
}
edges=(edge)
if [ -n "$BASELINE" ]; then edges+=(base); fi
for srv in "${edges[@]}"; do
  for h in "Accept-Encoding: gzip, deflate, br" "If-None-Match: $HTML_ETAG"; do measure "${URL[$srv]}$HTML" "$WARMUP" -H "Host: site-0.localhost" -H "$h" >/dev/null || true; done
  measure "${URL[$srv]}$ASSET" "$WARMUP" -H "Host: site-0.localhost" -H "Range: bytes=0-1023" >/dev/null || true
done
last() { awk -v l="$1" '$1 == l { v = $2 } END { print v }' "$results"; }
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) -eq 1 ]; then pass=("${edges[@]}"); else pass=(); for ((i = ${#edges[@]} - 1; i >= 0; i--)); do pass+=("${edges[$i]}"); done; fi
  browser_rows "${pass[@]}"
  if [ -n "$BASELINE" ]; then
    for r in plain br 304 range; do record "vs-browser-$r" "$(ratio "$(last "edge-browser-$r")" "$(last "base-browser-$r")") 0"; done
  fi
  echo "  run $run/$RUNS done (${edges[*]} with browser headers)"
done
if [ -n "$BASELINE" ]; then stop_pid "$BASE_PID"; fi

# 1 vs N projects: both spread over their whole host list with the same wrk script.
start_edge "$PROJECTS"
edgeN_port=$EDGE_PORT
for port_hosts in "$edge1_port:$work/hosts-1.txt" "$edgeN_port:$work/hosts-$PROJECTS.txt"; do
  HOSTS_FILE=${port_hosts#*:} BENCH_PATH=$HTML measure "http://127.0.0.1:${port_hosts%%:*}$HTML" "$WARMUP" -s bench/edge/hosts.lua >/dev/null || true
done
table_run() { # projects port
  record "table-$1" "$(HOSTS_FILE=$work/hosts-$1.txt BENCH_PATH=$HTML measure "http://127.0.0.1:$2$HTML" "$DURATION" -s bench/edge/hosts.lua)"
}
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) -eq 1 ]; then table_run 1 "$edge1_port"; table_run "$PROJECTS" "$edgeN_port"
  else table_run "$PROJECTS" "$edgeN_port"; table_run 1 "$edge1_port"; fi
  echo "  run $run/$RUNS done (1 vs $PROJECTS projects)"
done

rps() { awk -v l="$1" '$1 == l { print $2 }' "$results" | median; }
p99() { awk -v l="$1" '$1 == l { print $3 }' "$results" | median; }
cpu() { awk -v l="$1" '$1 == l && $4 != "" { print $4 }' "$results" | median; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "ok" : "MISSED" }'; }

echo
echo "raw runs (label rps p99_ms):"
sed 's/^/  /' "$results"
echo
printf '%-8s %10s %10s %7s %11s %11s %7s   %s\n' file edge_rps nginx_rps ratio edge_p99ms nginx_p99ms ratio targets
for name in html asset; do
  er=$(rps "edge-$name") nr=$(rps "nginx-$name") ep=$(p99 "edge-$name") np=$(p99 "nginx-$name")
  rr=$(ratio "$er" "$nr") pr=$(ratio "$ep" "$np")
  printf '%-8s %10s %10s %7s %11s %11s %7s   rps %s, p99 %s\n' "$name" "$er" "$nr" "$rr" "$ep" "$np" "$pr" "$(verdict "$rr" '>=' 0.5)" "$(verdict "$pr" '<=' 2)"
done
echo
for name in html asset; do
  printf 'node floor (%s): %s rps, p99 %s ms; edge reaches %s of it\n' "$name" "$(rps "floor-$name")" "$(p99 "floor-$name")" "$(ratio "$(rps "edge-$name")" "$(rps "floor-$name")")"
done
for name in html asset; do
  printf 'CPU per request (%s, µs, median): edge %s, nginx %s, node floor %s\n' "$name" "$(cpu "edge-$name")" "$(cpu "nginx-$name")" "$(cpu "floor-$name")"
done
echo
for srv in "${edges[@]}"; do
  printf '%s with browser headers; plain page %s rps, p99 %s ms, CPU %s µs/request; share = median of per-run rps / plain rps:\n' "$srv" "$(rps "$srv-browser-plain")" "$(p99 "$srv-browser-plain")" "$(cpu "$srv-browser-plain")"
  for row in "br:html, Accept-Encoding: gzip, deflate, br" "304:html, If-None-Match (304)" "range:asset, Range: bytes=0-1023 (206)"; do
    printf '  %-40s %8s rps  p99 %8s ms  share %5s  CPU %6s µs/request\n' "${row#*:}" "$(rps "$srv-browser-${row%%:*}")" "$(p99 "$srv-browser-${row%%:*}")" "$(rps "$srv-share-${row%%:*}")" "$(cpu "$srv-browser-${row%%:*}")"
  done
done
if [ -n "$BASELINE" ]; then
  printf '\nthis checkout / baseline %s: rps as the median of per-run ratios, CPU per request as the ratio of medians (1.00 = same):\n' "$BASELINE"
  printf '  %-45s %9s %9s %9s   %s\n' '' 'rps' 'CPU/req' 'CPU (µs)' '(edge vs baseline)'
  for row in "html:small HTML" "asset:100 KB asset" "browser-plain:small HTML (browser rows, plain)" "browser-br:html, Accept-Encoding: gzip, deflate, br" "browser-304:html, If-None-Match (304)" "browser-range:asset, Range (206)"; do
    k=${row%%:*}
    printf '  %-45s %9s %9s %9s   (rps %s vs %s)\n' "${row#*:}" "$(rps "vs-$k")" "$(ratio "$(cpu "edge-$k")" "$(cpu "base-$k")")" "$(cpu "edge-$k")/$(cpu "base-$k")" "$(rps "edge-$k")" "$(rps "base-$k")"
  done
fi
t1=$(rps table-1) tn=$(rps "table-$PROJECTS")
tr=$(ratio "$tn" "$t1")
printf '\nroute table: 1 project %s rps (p99 %s ms), %s projects %s rps (p99 %s ms): ratio %s   %s\n' \
  "$t1" "$(p99 table-1)" "$PROJECTS" "$tn" "$(p99 "table-$PROJECTS")" "$tr" "$(awk -v r="$tr" 'BEGIN { print (r >= 0.9 && r <= 1.1) ? "ok (within 10%)" : "MISSED" }')"
