#!/usr/bin/env bash
# The platform's OCI image registry for local and distributed mode: Debian's `docker-registry`
# (the CNCF distribution server 2.8) on loopback, with htpasswd (bcrypt) authentication.
#
#   scripts/services/registry.sh start|stop|status|env|restart
#
# State in ${DEPLOYSPHERE_SERVICES_DIR:-/tmp/deploysphere-services}/registry/: config.yml,
# htpasswd, credentials (user + password generated on the first start, mode 0600), data/ (the
# blobs; kept across restarts). `env` prints REGISTRY_URL / REGISTRY_USERNAME / REGISTRY_PASSWORD.
# The engine pushes over plain HTTP: 127.0.0.0/8 is an insecure registry for Docker by default.
#
# Settings (environment):
#   REGISTRY_PORT            default 5050
#   REGISTRY_START_TIMEOUT   seconds to wait for the server, default 30
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ds_init registry docker-registry

REGISTRY_PORT="${REGISTRY_PORT:-5050}"
REGISTRY_START_TIMEOUT="${REGISTRY_START_TIMEOUT:-30}"
CREDENTIALS="$DS_STATE/credentials"

registry_ready() {
  # 401 without credentials is the answer of a registry with auth.
  [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REGISTRY_PORT/v2/")" = 401 ]
}

ensure_config() {
  umask 077
  if [ ! -s "$CREDENTIALS" ]; then
    printf 'deploysphere %s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$CREDENTIALS.tmp"
    mv -f "$CREDENTIALS.tmp" "$CREDENTIALS"
  fi
  local user password
  read -r user password <"$CREDENTIALS"
  htpasswd -Bbn "$user" "$password" >"$DS_STATE/htpasswd" 2>/dev/null
  mkdir -p "$DS_STATE/data"
  cat >"$DS_STATE/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DS_STATE/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
  secret: $(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
auth:
  htpasswd:
    realm: deploysphere
    path: $DS_STATE/htpasswd
YAML
}

svc_start() {
  local t0 pid
  t0="$(ds_now)"
  command -v curl >/dev/null || ds_apt_install curl
  if pid="$(ds_pid)"; then
    if registry_ready; then
      ds_log "already running (pid $pid) on 127.0.0.1:$REGISTRY_PORT"
      return 0
    fi
    ds_log "pid $pid is starting; waiting for it"
  else
    rm -f "$DS_PIDFILE"
    ds_apt_install docker-registry apache2-utils
    ensure_config
    ds_require_free_port "$REGISTRY_PORT"
    ds_spawn /usr/bin/docker-registry serve "$DS_STATE/config.yml"
  fi
  ds_wait_until "$REGISTRY_START_TIMEOUT" "registry on http://127.0.0.1:$REGISTRY_PORT" registry_ready
  ds_log "registry ready on 127.0.0.1:$REGISTRY_PORT (pid $(ds_pid)) in $(ds_elapsed "$t0")s"
}

svc_stop() { ds_stop_pid 10; }

svc_status() {
  local pid
  if pid="$(ds_pid)" && registry_ready; then
    echo "registry: running (pid $pid) on 127.0.0.1:$REGISTRY_PORT"
  else
    echo "registry: not running"
    return 1
  fi
}

svc_env() {
  [ -s "$CREDENTIALS" ] || ds_die "no credentials yet: start the registry first"
  local user password
  read -r user password <"$CREDENTIALS"
  cat <<ENV
export REGISTRY_URL=127.0.0.1:$REGISTRY_PORT
export REGISTRY_USERNAME=$user
export REGISTRY_PASSWORD=$password
ENV
}

ds_main "$@"
