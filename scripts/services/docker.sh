#!/usr/bin/env bash
# Docker engine for local development and CI: scripts/services/docker.sh start|stop|status
#
#   start   install the engine (Debian `docker.io`) if `dockerd` is missing, start it in the
#           background and wait until `docker info` answers. No-op when a daemon already answers.
#   stop    stop the daemon this script started (pid file); leaves a daemon it did not start alone.
#   status  exit 0 and print the server version when `docker info` answers, exit 3 otherwise.
#
# State lives in ${DEPLOYSPHERE_SERVICES_DIR:-/tmp/deploysphere-services}/docker/:
#   dockerd.log, dockerd.pid
# Tunables: DOCKER_START_TIMEOUT (seconds, default 60), DOCKER_STOP_TIMEOUT (default 30),
#           DOCKERD_EXTRA_ARGS (extra flags for dockerd, word-split).
#
# The preinstalled `docker` CLI is only a client. There is no image registry on these machines:
# base images are built locally (scripts/builder-image.sh, docs/builder.md).
# Self-contained on purpose: it does not source a shared lib.sh.
set -euo pipefail

SERVICES_DIR="${DEPLOYSPHERE_SERVICES_DIR:-/tmp/deploysphere-services}"
STATE_DIR="$SERVICES_DIR/docker"
LOG_FILE="$STATE_DIR/dockerd.log"
PID_FILE="$STATE_DIR/dockerd.pid"
START_TIMEOUT="${DOCKER_START_TIMEOUT:-60}"
STOP_TIMEOUT="${DOCKER_STOP_TIMEOUT:-30}"

log() { printf '[docker] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

answering() { timeout 10 docker info >/dev/null 2>&1; }

# Running and not a zombie (a killed daemon whose parent is gone may linger as one).
alive() {
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  # Guard against pid reuse: it must still be a dockerd.
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == dockerd ]] || return 1
  printf '%s\n' "$pid"
}

install_engine() {
  command -v apt-get >/dev/null 2>&1 || die "dockerd is missing and apt-get is not available"
  [[ "$(id -u)" == 0 ]] || die "dockerd is missing; installing docker.io needs root"
  log "dockerd not found: installing docker.io via apt"
  # Same install as measured in shared FINDINGS (with recommends). needrestart, pulled in as a
  # recommend, must not restart anything on the host.
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  # A fresh machine may have no package lists yet; retry once after an update.
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y docker.io >"$STATE_DIR/apt.log" 2>&1; then
    apt-get -o DPkg::Lock::Timeout=300 update >>"$STATE_DIR/apt.log" 2>&1 || true
    apt-get -o DPkg::Lock::Timeout=300 install -y docker.io >>"$STATE_DIR/apt.log" 2>&1 \
      || { tail -n 20 "$STATE_DIR/apt.log" >&2; die "apt-get install docker.io failed (see $STATE_DIR/apt.log)"; }
  fi
  command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd is still not on PATH"
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  if answering; then
    log "already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
  command -v dockerd >/dev/null 2>&1 || install_engine
  command -v docker >/dev/null 2>&1 || die "no docker CLI on PATH"

  local pid
  if pid="$(our_pid)"; then
    log "dockerd (pid $pid) is starting already; waiting for it"
  else
    # A killed daemon leaves its pid file (dockerd refuses to start while that pid exists, even
    # as a zombie) and its socket behind.
    # The same goes for the containerd that dockerd manages.
    local stale f comm
    for f in /var/run/docker.pid:dockerd /var/run/docker/containerd/containerd.pid:containerd; do
      comm=${f##*:}
      f=${f%:*}
      stale="$(cat "$f" 2>/dev/null || true)"
      if [[ "$stale" =~ ^[0-9]+$ ]] && ! { alive "$stale" && [[ "$(cat "/proc/$stale/comm" 2>/dev/null)" == "$comm" ]]; }; then
        log "removing stale $f (pid $stale is gone)"
        rm -f "$f"
      fi
    done
    if [[ -S /var/run/docker.sock ]] && ! pgrep -x dockerd >/dev/null 2>&1; then
      rm -f /var/run/docker.sock
    fi
    log "starting dockerd (log: $LOG_FILE)"
    # setsid: own session, so the daemon outlives this shell and is not hit by its job control.
    # shellcheck disable=SC2086
    setsid dockerd ${DOCKERD_EXTRA_ARGS:-} >>"$LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
  fi

  local deadline=$((SECONDS + START_TIMEOUT))
  until answering; do
    if ! alive "$pid"; then
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      die "dockerd exited during start-up (see $LOG_FILE)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "docker info did not answer within ${START_TIMEOUT}s (dockerd pid $pid still running; see $LOG_FILE)"
    fi
    sleep 0.5
  done
  log "ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'), pid $pid)"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if answering; then
      log "a docker daemon answers but was not started by this script; leaving it alone"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "dockerd did not stop within ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  if answering; then
    local pid=""
    pid="$(our_pid || true)"
    echo "docker: running (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')${pid:+, pid $pid})"
    return 0
  fi
  echo "docker: not running"
  return 3
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
