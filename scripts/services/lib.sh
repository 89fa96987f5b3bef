# shellcheck shell=bash
# Shared helpers for scripts/services/<name>.sh. Source it; do not run it.
#
# Conventions (see docs/services.md):
#   runtime state  ${DEPLOYSPHERE_SERVICES_DIR:-/tmp/deploysphere-services}/<name>/
#                  (pid file, log, data, generated config)
#   downloads      ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/   (kept between runs)
#   every service binds 127.0.0.1 only.

# (DS_CACHE_DIR and DS_SCRIPTS_DIR are used by the scripts that source this file.)
# shellcheck disable=SC2034
DS_SERVICES_DIR="${DEPLOYSPHERE_SERVICES_DIR:-/tmp/deploysphere-services}"
# shellcheck disable=SC2034
DS_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere"
# shellcheck disable=SC2034
DS_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# log/die go to stderr so that `<name>.sh env` prints only export lines on stdout.
ds_log() { printf '[%s] %s\n' "${DS_NAME:-services}" "$*" >&2; }
ds_die() { printf '[%s] ERROR: %s\n' "${DS_NAME:-services}" "$*" >&2; exit 1; }

# ds_init NAME [PROC_MATCH]: sets DS_NAME, DS_STATE (state dir), DS_PIDFILE, DS_LOGFILE,
# and DS_PROC_MATCH (see ds_pid).
ds_init() {
  DS_NAME="$1"
  DS_PROC_MATCH="${2:-}"
  DS_STATE="$DS_SERVICES_DIR/$DS_NAME"
  DS_PIDFILE="$DS_STATE/$DS_NAME.pid"
  DS_LOGFILE="$DS_STATE/$DS_NAME.log"
  mkdir -p "$DS_STATE"
}

# ds_now: seconds since epoch with millisecond precision (for timing messages).
ds_now() { date +%s.%3N; }
ds_elapsed() { awk -v a="$1" -v b="$(ds_now)" 'BEGIN { printf "%.1f", b - a }'; }

# ds_pid: the pid from DS_PIDFILE if that process is alive, else nothing (exit 1).
# When DS_PROC_MATCH is set, the process command line must also contain it, so a
# stale pid file whose pid was reused by an unrelated process is not mistaken for ours.
ds_pid() {
  local pid
  [ -s "$DS_PIDFILE" ] || return 1
  pid="$(tr -dc '0-9' <"$DS_PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "${DS_PROC_MATCH:-}" ] && [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DS_PROC_MATCH" || return 1
  fi
  printf '%s\n' "$pid"
}

# ds_port_open HOST PORT: true if something accepts TCP connections there.
ds_port_open() {
  # shellcheck disable=SC2016 # $0/$1 expand in the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# ds_require_free_port PORT: fail early when a foreign process already holds the port.
ds_require_free_port() {
  if ds_port_open 127.0.0.1 "$1"; then
    ds_die "port $1 on 127.0.0.1 is already in use by a process this script did not start; stop it or choose another port (see docs/services.md)"
  fi
}

# ds_fail_with_log MESSAGE: print the last lines of the service log, then die.
ds_fail_with_log() {
  local lines="${DS_LOG_TAIL_LINES:-40}"
  printf '[%s] ERROR: %s\n' "$DS_NAME" "$1" >&2
  if [ -s "$DS_LOGFILE" ]; then
    printf '[%s] last %s lines of %s:\n' "$DS_NAME" "$lines" "$DS_LOGFILE" >&2
    tail -n "$lines" "$DS_LOGFILE" | sed 's/^/    /' >&2
  else
    printf '[%s] (log %s is empty or missing)\n' "$DS_NAME" "$DS_LOGFILE" >&2
  fi
  exit 1
}

# ds_wait_until TIMEOUT_SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.25 s.
# Fails (with the log tail) at once if the service process died; on timeout it also
# stops the process, so that the next `start` begins from scratch.
ds_wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  while ! "$@" >/dev/null 2>&1; do
    if ! ds_pid >/dev/null; then
      ds_fail_with_log "$DS_NAME exited while waiting for: $what"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      ds_stop_pid 10 >/dev/null 2>&1 || true
      ds_fail_with_log "timed out after ${timeout}s waiting for: $what (process stopped)"
    fi
    sleep 0.25
  done
}

# ds_spawn COMMAND...: start COMMAND detached (own session, stdin closed, output
# appended to DS_LOGFILE) and record its pid in DS_PIDFILE.
ds_spawn() {
  : >"$DS_LOGFILE"
  # shellcheck disable=SC2016 # $$, $0 and $@ expand in the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$DS_PIDFILE" "$@" </dev/null >>"$DS_LOGFILE" 2>&1 &
  # The pid file is written by the child: wait (briefly) until it exists.
  local _
  for _ in $(seq 1 40); do
    [ -s "$DS_PIDFILE" ] && return 0
    sleep 0.05
  done
  ds_fail_with_log "could not start $1"
}

# ds_stop_pid [GRACE_SECONDS]: SIGTERM the recorded pid, SIGKILL after the grace period.
ds_stop_pid() {
  local grace="${1:-20}" pid deadline
  if ! pid="$(ds_pid)"; then
    ds_log "not running"
    rm -f "$DS_PIDFILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      ds_log "pid $pid still alive after ${grace}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$DS_PIDFILE"
  ds_log "stopped (pid $pid)"
}

# ds_apt_install PACKAGE...: install the Debian packages that are missing (as root,
# or through sudo). Runs `apt-get update` first only when something must be installed.
ds_apt_install() {
  local missing=() pkg sudo=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || ds_die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  ds_log "installing Debian packages: ${missing[*]}"
  # Lock::Timeout: wait for another apt/dpkg run (e.g. a parallel service script)
  # instead of failing at once on the dpkg lock.
  # Output goes to a log that is shown only on failure.
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get -o DPkg::Lock::Timeout=300)
  local log="${DS_STATE:-/tmp}/apt.log"
  if ! { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    ds_die "apt-get install ${missing[*]} failed (log: $log)"
  fi
}

# ds_main USAGE_NAME "$@": dispatch start|stop|status|env|restart to svc_<cmd> functions.
ds_main() {
  local cmd="${1:-}"
  case "$cmd" in
    start | stop | status | env) "svc_$cmd" ;;
    restart) svc_stop && svc_start ;;
    *)
      echo "usage: $0 start|stop|status|env|restart" >&2
      exit 2
      ;;
  esac
}
