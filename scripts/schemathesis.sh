#!/usr/bin/env bash
# schemathesis (PyPI), the OpenAPI fuzzer the API's contract test runs.
#
#   scripts/schemathesis.sh install        # idempotent; prints nothing when already installed
#   scripts/schemathesis.sh st ARGS...      # installs if needed, then runs `st ARGS...`
#
# It is installed once into a virtualenv kept in the download cache:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/schemathesis/venv-<version>
#
# Settings (environment):
#   SCHEMATHESIS_VERSION   default 4.32.0
#   SCHEMATHESIS_PYTHON    interpreter for the venv, default python3
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=services/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/services/lib.sh"
ds_init schemathesis

SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.0}"
SCHEMATHESIS_PYTHON="${SCHEMATHESIS_PYTHON:-python3}"
VENV="$DS_CACHE_DIR/schemathesis/venv-$SCHEMATHESIS_VERSION"

ensure_venv() {
  [ -f "$VENV/.complete" ] && return 0
  local t0 python="$SCHEMATHESIS_PYTHON"
  t0="$(ds_now)"
  ds_log "installing schemathesis==$SCHEMATHESIS_VERSION into $VENV"
  # Two concurrent installs (parallel jest workers, two checkouts) must not share a half-built venv.
  exec 9>"$DS_STATE/install.lock"
  flock 9
  [ -f "$VENV/.complete" ] && return 0
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! command -v "$python" >/dev/null || ! "$python" -m venv "$VENV" >/dev/null 2>&1; then
    # Debian's python3 needs python3-venv for `-m venv` (ensurepip).
    ds_apt_install python3 python3-venv
    python=/usr/bin/python3
    rm -rf "$VENV"
    "$python" -m venv "$VENV" || ds_die "could not create a virtualenv with $python"
  fi
  if ! "$VENV/bin/pip" install --disable-pip-version-check -q \
      "schemathesis==$SCHEMATHESIS_VERSION" >"$DS_STATE/pip.log" 2>&1; then
    tail -n 30 "$DS_STATE/pip.log" >&2
    rm -rf "$VENV"
    ds_die "pip install schemathesis==$SCHEMATHESIS_VERSION failed (log: $DS_STATE/pip.log)"
  fi
  touch "$VENV/.complete"
  ds_log "schemathesis installed in $(ds_elapsed "$t0")s"
}

case "${1:-}" in
  install) ensure_venv ;;
  st) shift; ensure_venv; exec "$VENV/bin/st" "$@" ;;
  *) echo "usage: $0 install | st ARGS..." >&2; exit 2 ;;
esac
