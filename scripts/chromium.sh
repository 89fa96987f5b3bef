#!/usr/bin/env bash
# Debian's chromium, the browser the dashboard's tests and bench/dashboard drive through
# playwright-core (no browser download: Playwright's own builds are not reachable here).
#
#   scripts/chromium.sh install    # idempotent; prints nothing when already installed
#   scripts/chromium.sh path       # installs if needed, prints the executable's path
#
# Fonts come with it (fonts-liberation), so screenshots show text.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=services/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/services/lib.sh"
ds_init chromium

install() {
  # Two test runs installing at once: apt waits on its own lock (ds_apt_install).
  ds_apt_install chromium fonts-liberation
  command -v chromium >/dev/null || ds_die "chromium is not on PATH after installing it"
}

case "${1:-}" in
  install) install ;;
  path) install && command -v chromium ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
