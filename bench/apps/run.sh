#!/usr/bin/env bash
# Proxy throughput and latency for server apps: the edge vs nginx vs node's http-proxy, all
# forwarding to the same container.
#
#   bash bench/apps/run.sh            # DURATION=8 RUNS=5 CONNECTIONS=64 by default
#
# - the app: a bare node:http server answering a small JSON body, in a container (label
#   io.deploysphere.bench=apps) on a bridge network of its own, reached at its container address;
# - throughput: wrk, keep-alive, 64 connections, against
#     edge       the edge router's production classes (bench/edge/edge-bench-server.ts --upstream),
#     nginx      Debian's nginx, `proxy_pass` to an `upstream` block with `keepalive 64`,
#     noka       node `http-proxy` with no agent: a new upstream connection per request (the
#                seed's design), and
#     hpka       the same library over a keep-alive Agent (what http-proxy-middleware, which wraps
#                it, would give at best);
#   targets: edge >= 0.5x nginx, edge >= 5x noka (ratios taken per run, medians reported);
# - latency at a fixed offered load: half of the edge's median saturation rate, the same rate for
#   the edge and nginx, sent by bench/apps/fixed-rate.js (scheduled sends, latency from the
#   scheduled time); target: edge p99 <= 2x nginx's.
# Runs are interleaved (the order rotates) and medians reported: the machine is shared and noisy.
# Loopback and the bench's own docker network only; every process and container started here is
# stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-8}
RUNS=${RUNS:-5}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-3}
FIXED_SECONDS=${FIXED_SECONDS:-10}

need() { command -v "$1" >/dev/null 2>&1 || { echo "installing $2 (apt)…" >&2; apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need nginx nginx-light
[ -d node_modules/http-proxy ] || { echo "node_modules/http-proxy missing: run npm ci" >&2; exit 1; }

work=$(mktemp -d /tmp/apps-bench.XXXXXX)
chmod 755 "$work"
suffix=$(basename "$work" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')
network="ds-apps-bench-$suffix"
container="ds-apps-bench-$suffix"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  docker rm -f "$container" >/dev/null 2>&1 || true
  docker network rm "$network" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # url host
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null -H "Host: $2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$1 did not answer" >&2
  return 1
}
wait_ready() { # log pid
  for _ in $(seq 1 1200); do grep -q '^READY' "$1" && return 0; kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
  echo "server did not start:" >&2; cat "$1" >&2; return 1
}

# The app, in a container, from the builder image (it has Node; nothing is pulled).
base=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '^deploysphere/builder:' | head -1)
[ -n "$base" ] || { echo "builder image missing: run scripts/test.sh once (it builds it)" >&2; exit 1; }
docker network create --label io.deploysphere.bench=apps "$network" >/dev/null
docker run -d --name "$container" --label io.deploysphere.bench=apps --network "$network" --user 10001:10001 \
  -v "$PWD/bench/apps/upstream-server.js:/bench/upstream-server.js:ro" --entrypoint node "$base" /bench/upstream-server.js 3000 >/dev/null
app_ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$network\").IPAddress}}" "$container")
UPSTREAM="$app_ip:3000"
wait_http "http://$UPSTREAM/" localhost

# The edge (production classes), with the server app project `app` proxied to the container.
EDGE_PORT=$(free_port)
node -r ./bench/register.js bench/edge/edge-bench-server.ts --site bench/apps --data "$work/artifacts" --projects 0 \
  --port "$EDGE_PORT" --hosts "$work/hosts.txt" --upstream "$UPSTREAM" >"$work/edge.log" 2>&1 &
EDGE_PID=$!
pids+=("$EDGE_PID")
wait_ready "$work/edge.log" "$EDGE_PID"

NGINX_PORT=$(free_port)
mkdir -p "$work/nginx-tmp"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $work/nginx-access.log combined buffer=64k flush=1s;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  upstream app {
    server $UPSTREAM;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
NGINX_PID=$!
pids+=("$NGINX_PID")

NOKA_PORT=$(free_port)
node bench/apps/no-keepalive-proxy.js "$NOKA_PORT" "$UPSTREAM" >"$work/noka.log" 2>&1 &
pids+=("$!")
wait_ready "$work/noka.log" "$!"
HPKA_PORT=$(free_port)
node bench/apps/no-keepalive-proxy.js "$HPKA_PORT" "$UPSTREAM" keepalive >"$work/hpka.log" 2>&1 &
pids+=("$!")
wait_ready "$work/hpka.log" "$!"

declare -A URL=([edge]="http://127.0.0.1:$EDGE_PORT/" [nginx]="http://127.0.0.1:$NGINX_PORT/" [noka]="http://127.0.0.1:$NOKA_PORT/" [hpka]="http://127.0.0.1:$HPKA_PORT/")
HOST=app.localhost
for s in edge nginx noka hpka; do wait_http "${URL[$s]}" "$HOST"; done

# wrk → "rps p99ms"; fails on any error or non-2xx answer, so a broken run never counts.
measure() { # url duration
  local out
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${2}s" --timeout 10s --latency -H "Host: $HOST" "$1")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "wrk reported errors for $1:" >&2; echo "$out" >&2; return 1; fi
  awk '/Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                  p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }
    END { printf "%.0f %.3f\n", rps, p99 }' <<<"$out"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "ok" : "MISSED" }'; }

results="$work/results.txt"
: >"$results"
record() { if [ -n "${2%% *}" ]; then echo "$1 $2" >>"$results"; fi; }

echo "proxies to one container ($UPSTREAM): ${RUNS} runs x ${DURATION}s, ${CONNECTIONS} connections, keep-alive client (wrk)"
servers=(edge nginx noka hpka)
for s in "${servers[@]}"; do measure "${URL[$s]}" "$WARMUP" >/dev/null || true; done
for run in $(seq 1 "$RUNS"); do
  shift_by=$(((run - 1) % ${#servers[@]}))
  order=("${servers[@]:$shift_by}" "${servers[@]:0:$shift_by}")
  declare -A got=()
  for s in "${order[@]}"; do
    got[$s]=$(measure "${URL[$s]}" "$DURATION") || got[$s]=''
    record "$s" "${got[$s]}"
  done
  record vs-nginx "$(ratio "${got[edge]%% *}" "${got[nginx]%% *}") 0"
  record vs-noka "$(ratio "${got[edge]%% *}" "${got[noka]%% *}") 0"
  record vs-hpka "$(ratio "${got[edge]%% *}" "${got[hpka]%% *}") 0"
  echo "  run $run/$RUNS done (${order[*]})"
done

rps() { awk -v l="$1" '$1 == l { print $2 }' "$results" | median; }
p99() { awk -v l="$1" '$1 == l { print $3 }' "$results" | median; }

# Fixed offered load: half of the edge's saturation rate, same rate for both, alternating.
RATE=$(awk -v r="$(rps edge)" 'BEGIN { printf "%d", r / 2 }')
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) -eq 1 ]; then pass=(edge nginx); else pass=(nginx edge); fi
  for s in "${pass[@]}"; do
    out=$(node bench/apps/fixed-rate.js "${URL[$s]}" "$HOST" "$RATE" "$FIXED_SECONDS" "$CONNECTIONS")
    read -r sent ok p50 p99v <<<"$out"
    if [ "$sent" = "$ok" ]; then echo "fixed-$s $p50 $p99v" >>"$results"; else echo "fixed-$s: $ok of $sent ok, left out" >&2; fi
  done
  echo "  fixed-rate run $run/$RUNS done (${RATE} req/s)"
done

echo
echo "raw runs (label rps p99_ms | fixed-label p50_ms p99_ms):"
sed 's/^/  /' "$results"
echo
printf '%-6s %10s %11s\n' proxy rps p99_ms
for s in "${servers[@]}"; do printf '%-6s %10s %11s\n' "$s" "$(rps "$s")" "$(p99 "$s")"; done
echo
vn=$(rps vs-nginx) vk=$(rps vs-noka) vh=$(rps vs-hpka)
fe=$(p99 fixed-edge) fn=$(p99 fixed-nginx)
fr=$(ratio "$fe" "$fn")
printf 'edge / nginx (per-run ratio, median):   %s   target >= 0.5: %s\n' "$vn" "$(verdict "$vn" '>=' 0.5)"
printf 'edge / noka (per-run ratio, median):    %s   target >= 5: %s\n' "$vk" "$(verdict "$vk" '>=' 5)"
printf 'edge / http-proxy keep-alive (median):  %s\n' "$vh"
printf 'fixed load %s req/s: p99 edge %s ms, nginx %s ms, ratio %s   target <= 2: %s (p50 edge %s ms, nginx %s ms)\n' \
  "$RATE" "$fe" "$fn" "$fr" "$(verdict "$fr" '<=' 2)" "$(awk '$1 == "fixed-edge" { print $2 }' "$results" | median)" "$(awk '$1 == "fixed-nginx" { print $2 }' "$results" | median)"
