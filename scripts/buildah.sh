#!/usr/bin/env bash
# buildah (Debian), the daemonless image builder (docs/builds.md, "Daemonless image builds").
#
#   scripts/buildah.sh install     # idempotent; prints nothing when already installed
#
# Debian's buildah brings its runtime (crun/runc), fuse-overlayfs and the container policy files.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=services/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/services/lib.sh"
ds_init buildah

case "${1:-}" in
  install)
    exec 9>"$DS_STATE/install.lock"
    flock 9
    ds_apt_install buildah
    ;;
  *)
    echo "usage: $0 install" >&2
    exit 2
    ;;
esac
