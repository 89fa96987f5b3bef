#!/usr/bin/env bash
# moto (PyPI) in server mode: a local fake of the AWS APIs (S3, ECR, ECS, ...) for tests.
#
#   scripts/services/moto.sh start|stop|status|env|restart
#
# moto[server] is installed once into a virtualenv kept in the download cache:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/moto/venv-<version>
# All state is in memory: a restart forgets every bucket, repository and task.
#
# Settings (environment):
#   MOTO_VERSION         default 5.2.5
#   MOTO_PORT            default 5000
#   MOTO_PYTHON          interpreter for the venv, default python3
#   MOTO_START_TIMEOUT   seconds to wait for the server, default 30
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ds_init moto moto_server

MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
MOTO_PORT="${MOTO_PORT:-5000}"
MOTO_PYTHON="${MOTO_PYTHON:-python3}"
MOTO_START_TIMEOUT="${MOTO_START_TIMEOUT:-30}"
MOTO_VENV="$DS_CACHE_DIR/moto/venv-$MOTO_VERSION"

moto_ready() {
  curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$MOTO_PORT/moto-api/"
}

ensure_venv() {
  [ -f "$MOTO_VENV/.complete" ] && return 0
  local t0 python="$MOTO_PYTHON"
  t0="$(ds_now)"
  ds_log "installing moto[server]==$MOTO_VERSION into $MOTO_VENV"
  rm -rf "$MOTO_VENV"
  mkdir -p "$(dirname "$MOTO_VENV")"
  if ! command -v "$python" >/dev/null || ! "$python" -m venv "$MOTO_VENV" >/dev/null 2>&1; then
    # Debian's python3 needs python3-venv for `-m venv` (ensurepip).
    ds_apt_install python3 python3-venv
    python=/usr/bin/python3
    rm -rf "$MOTO_VENV"
    "$python" -m venv "$MOTO_VENV" || ds_die "could not create a virtualenv with $python"
  fi
  if ! "$MOTO_VENV/bin/pip" install --disable-pip-version-check -q \
      "moto[server]==$MOTO_VERSION" >"$DS_STATE/pip.log" 2>&1; then
    tail -n 30 "$DS_STATE/pip.log" >&2
    rm -rf "$MOTO_VENV"
    ds_die "pip install moto[server]==$MOTO_VERSION failed (log: $DS_STATE/pip.log)"
  fi
  touch "$MOTO_VENV/.complete"
  ds_log "moto installed in $(ds_elapsed "$t0")s"
}

svc_start() {
  local t0 pid
  t0="$(ds_now)"
  command -v curl >/dev/null || ds_apt_install curl
  if pid="$(ds_pid)"; then
    if moto_ready; then
      ds_log "already running (pid $pid) on 127.0.0.1:$MOTO_PORT"
      return 0
    fi
    ds_log "pid $pid is starting; waiting for it"
  else
    rm -f "$DS_PIDFILE"
    ensure_venv
    ds_require_free_port "$MOTO_PORT"
    ds_spawn "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT"
  fi
  ds_wait_until "$MOTO_START_TIMEOUT" "moto on http://127.0.0.1:$MOTO_PORT" moto_ready
  ds_log "moto $MOTO_VERSION ready on 127.0.0.1:$MOTO_PORT (pid $(ds_pid)) in $(ds_elapsed "$t0")s"
}

svc_stop() { ds_stop_pid 10; }

svc_status() {
  local pid
  if pid="$(ds_pid)" && moto_ready; then
    echo "moto: running (pid $pid) on 127.0.0.1:$MOTO_PORT"
  else
    echo "moto: not running"
    return 1
  fi
}

svc_env() {
  cat <<EOF
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export MOTO_SERVER=$MOTO_VENV/bin/moto_server
EOF
}

ds_main "$@"
