#!/usr/bin/env bash
# Pebble, Let's Encrypt's ACME test server, and its DNS/challenge test server, built from the Go
# module proxy (the edge's HTTPS tests issue real certificates from it).
#
#   scripts/pebble.sh install    # idempotent; prints the install directory
#
# Installed once per version into ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/pebble/v<version>/:
#   bin/pebble, bin/pebble-challtestsrv, certs/localhost/{cert,key}.pem (pebble's own HTTPS pair,
#   signed by certs/pebble.minica.pem), copied out of the module so nothing points into a checkout.
#
# Settings (environment): PEBBLE_VERSION (default 2.10.3), GO (default: go on PATH, else /usr/local/go/bin/go).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=services/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/services/lib.sh"
ds_init pebble

PEBBLE_VERSION="${PEBBLE_VERSION:-2.10.3}"
DIR="$DS_CACHE_DIR/pebble/v$PEBBLE_VERSION"

find_go() {
  if [ -n "${GO:-}" ]; then echo "$GO"; return; fi
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; return; fi
  # Debian's Go fetches the toolchain the module asks for (GOTOOLCHAIN) from the module proxy.
  ds_apt_install golang-go
  command -v go
}

install() {
  [ -f "$DIR/.complete" ] && { echo "$DIR"; return 0; }
  exec 9>"$DS_STATE/install.lock"
  flock 9
  [ -f "$DIR/.complete" ] && { echo "$DIR"; return 0; }
  local go t0 tmp modcache
  go="$(find_go)" || ds_die "Go is needed to build pebble (none on PATH or at /usr/local/go/bin/go)"
  t0="$(ds_now)"
  ds_log "building pebble v$PEBBLE_VERSION with $($go version)"
  tmp="$(mktemp -d "$DS_CACHE_DIR/.pebble.XXXXXX")"
  # Builds from the module proxy, outside any checkout (no go.mod around); GOFLAGS cleared so a
  # caller's -mod settings cannot interfere.
  (cd "$tmp" && GOFLAGS= GOBIN="$tmp/bin" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" "$go" install \
    "github.com/letsencrypt/pebble/v2/cmd/pebble@v$PEBBLE_VERSION" \
    "github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv@v$PEBBLE_VERSION") >&2 || { rm -rf "$tmp"; ds_die "go install of pebble failed"; }
  modcache="$(cd "$tmp" && GOFLAGS= "$go" env GOMODCACHE)/github.com/letsencrypt/pebble/v2@v$PEBBLE_VERSION"
  mkdir -p "$tmp/certs/localhost"
  cp "$modcache/test/certs/pebble.minica.pem" "$tmp/certs/"
  cp "$modcache/test/certs/localhost/cert.pem" "$modcache/test/certs/localhost/key.pem" "$tmp/certs/localhost/"
  chmod -R u+w "$tmp"
  touch "$tmp/.complete"
  mkdir -p "$(dirname "$DIR")"
  rm -rf "$DIR"
  mv -T "$tmp" "$DIR"
  ds_log "pebble installed in $DIR ($(ds_elapsed "$t0") s)"
  echo "$DIR"
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
