#!/usr/bin/env bash
# Local PostgreSQL 15 for development and CI: Debian's package, no systemd, no Docker.
#   scripts/services/postgres.sh start   install if missing, start cluster 15/main, ensure role; idempotent
#   scripts/services/postgres.sh stop    stop the cluster (no-op when down or not installed)
#   scripts/services/postgres.sh url     print the connection URL the tests use (TEST_POSTGRES_URL default)
# Must run as root (CI and the dev machines are root). Works on a fresh Debian 12 and when already running.
set -euo pipefail

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
ROLE=deploysphere
PASSWORD=deploysphere
URL="postgresql://${ROLE}:${PASSWORD}@127.0.0.1:${PG_PORT}/postgres"
HBA="/etc/postgresql/${PG_VERSION}/${PG_CLUSTER}/pg_hba.conf"

log() { echo "[postgres.sh] $*" >&2; }

install_if_missing() {
  if [ -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ] && command -v pg_ctlcluster >/dev/null; then
    return
  fi
  log "installing Debian postgresql (${PG_VERSION})"
  export DEBIAN_FRONTEND=noninteractive
  # The package list may be empty on a fresh machine: update first, then install.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

ensure_cluster() {
  # The package's postinst normally creates 15/main; create it if an earlier step removed it.
  if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "${PG_VERSION}/${PG_CLUSTER}"; then
    log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
    pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" --port "${PG_PORT}" >/dev/null
  fi
}

ensure_hba() {
  # Password (scram) auth for our role over TCP loopback. Debian's default file already has a
  # generic 127.0.0.1 scram rule, but we do not rely on it: insert ours before any other rule.
  local rule="host    all    ${ROLE}    127.0.0.1/32    scram-sha-256"
  if ! grep -qF "$rule" "$HBA"; then
    log "adding pg_hba rule for ${ROLE} on 127.0.0.1"
    { echo "# deploysphere (scripts/services/postgres.sh)"; echo "$rule"; cat "$HBA"; } >"${HBA}.tmp"
    chown postgres:postgres "${HBA}.tmp"
    chmod 640 "${HBA}.tmp"
    mv "${HBA}.tmp" "$HBA"
    HBA_CHANGED=1
  fi
}

cluster_port() {
  pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $3}'
}

ensure_port() {
  # pg_createcluster takes the next free port when 5432 is busy at install time (e.g. another
  # server was running then); the URL we print says 5432, so pin it.
  if [ "$(cluster_port)" != "$PG_PORT" ]; then
    log "setting cluster ${PG_VERSION}/${PG_CLUSTER} port to ${PG_PORT} (was $(cluster_port))"
    if is_running; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast; fi
    pg_conftool "$PG_VERSION" "$PG_CLUSTER" set port "$PG_PORT"
  fi
}

is_running() {
  pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online
}

wait_ready() {
  for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then return 0; fi
    sleep 0.5
  done
  log "PostgreSQL did not become ready; log follows"
  tail -n 50 "/var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log" >&2 || true
  return 1
}

psql_su() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }

ensure_role() {
  # SUPERUSER so the tests can CREATE/DROP DATABASE and Prisma's shadow database works.
  psql_su -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN
    CREATE ROLE ${ROLE} LOGIN SUPERUSER CREATEDB PASSWORD '${PASSWORD}';
  ELSE
    ALTER ROLE ${ROLE} LOGIN SUPERUSER CREATEDB PASSWORD '${PASSWORD}';
  END IF;
END
\$\$;
SQL
}

start() {
  [ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }
  install_if_missing
  ensure_cluster
  ensure_port
  HBA_CHANGED=0
  ensure_hba
  if is_running; then
    if [ "$HBA_CHANGED" = 1 ]; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" reload; fi
  else
    log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  fi
  wait_ready
  ensure_role
  log "ready: ${URL}"
}

stop() {
  if command -v pg_ctlcluster >/dev/null && is_running; then
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast
    log "stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  status) command -v pg_ctlcluster >/dev/null && is_running ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
