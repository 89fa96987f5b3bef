#!/usr/bin/env bash
# Redis (Debian's redis-server, 7.0 on bookworm) for tests: in-memory only, no persistence.
#
#   scripts/services/redis.sh start|stop|status|env|restart
#
# Settings (environment):
#   REDIS_PORT            default 6379
#   REDIS_START_TIMEOUT   seconds to wait for PONG, default 20
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ds_init redis redis-server

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-20}"

redis_ping() {
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

svc_start() {
  local t0 pid
  t0="$(ds_now)"
  ds_apt_install redis-server redis-tools
  if pid="$(ds_pid)"; then
    if redis_ping; then
      ds_log "already running (pid $pid) on 127.0.0.1:$REDIS_PORT"
      return 0
    fi
    ds_log "pid $pid is starting; waiting for it"
  else
    rm -f "$DS_PIDFILE"
    ds_require_free_port "$REDIS_PORT"
    : >"$DS_LOGFILE"
    # --daemonize yes: redis forks and writes its own pid file once it is listening.
    redis-server \
      --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
      --save "" --appendonly no \
      --dir "$DS_STATE" \
      --daemonize yes --pidfile "$DS_PIDFILE" --logfile "$DS_LOGFILE" \
      || ds_fail_with_log "redis-server refused to start"
    # The pid file appears a moment after the fork.
    local _
    for _ in $(seq 1 40); do
      [ -s "$DS_PIDFILE" ] && break
      sleep 0.05
    done
  fi
  ds_wait_until "$REDIS_START_TIMEOUT" "PONG from 127.0.0.1:$REDIS_PORT" redis_ping
  ds_log "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') ready on 127.0.0.1:$REDIS_PORT (pid $(ds_pid)) in $(ds_elapsed "$t0")s"
}

svc_stop() { ds_stop_pid 10; }

svc_status() {
  local pid
  if pid="$(ds_pid)" && redis_ping; then
    echo "redis: running (pid $pid) on 127.0.0.1:$REDIS_PORT"
  else
    echo "redis: not running"
    return 1
  fi
}

svc_env() {
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

ds_main "$@"
