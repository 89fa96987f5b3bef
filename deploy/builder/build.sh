#!/usr/bin/env bash
# DeploySphere builder entrypoint: runs ONE static-site build inside the builder container.
# Installed in the image as /usr/local/bin/deploysphere-build (deploy/builder/Dockerfile,
# deploy/ecs/builder.Dockerfile). Full contract and measurements: docs/builder.md.
#
# Inputs
#   /workspace/src   the project source (mounted or copied in by the runner). Built in place when
#                    writable, otherwise copied to /workspace/.build-src first.
#   /cache           per-project cache volume (optional): npm uses /cache/npm, corepack
#                    /cache/corepack, pnpm /cache/pnpm-store, yarn /cache/yarn. Mounting the
#                    volume on /cache/npm alone also works. Unwritable cache dirs fall back to /tmp
#                    (the build still works, nothing is kept).
#   env (all optional):
#     ROOT_DIRECTORY    project directory inside the source (monorepos); relative, no `..`
#     INSTALL_COMMAND   replaces the detected install command (run with bash -c)
#     BUILD_COMMAND     replaces the package.json `build` script (run with bash -c)
#     OUTPUT_DIRECTORY  output directory relative to ROOT_DIRECTORY; no `..`
#     FRAMEWORK         vite | nextjs | create-react-app | astro | sveltekit | gatsby | nuxt |
#                       docusaurus | vue-cli | parcel | static  (detected from package.json if unset)
#   Any other env (the project's build variables) is passed through to the commands.
#
# Outputs
#   /workspace/out                the artifact: contents of the output directory (cleared first)
#   /workspace/build-result.json  {framework, packageManager, outputDirectory, files, bytes, ...}
#
# Exit codes
#    0  success
#    2  invalid configuration (ROOT_DIRECTORY / OUTPUT_DIRECTORY absolute, containing `..`,
#       escaping the source through a symlink, or missing ROOT_DIRECTORY; invalid package.json)
#    3  workspace problem (/workspace/src missing or empty, /workspace not writable)
#    9  package manager unavailable (pnpm/yarn lockfile without corepack, corepack could not fetch
#       the package manager, bun lockfile)
#   10  install failed
#   11  build failed
#   12  output directory missing or empty
#   13  copying the output to /workspace/out failed
#
# It prints step headers (`==> [hh:mm:ss] step`), never the values of env variables
# (configured commands and paths are referred to by the variable's name), and never runs set -x.
set -uo pipefail
umask 022

readonly EXIT_CONFIG=2 EXIT_WORKSPACE=3 EXIT_PM=9 EXIT_INSTALL=10 EXIT_BUILD=11 EXIT_OUTPUT=12 EXIT_COPY=13

WORKSPACE="${DEPLOYSPHERE_WORKSPACE:-/workspace}"
CACHE_ROOT="${DEPLOYSPHERE_CACHE_DIR:-/cache}"
SRC="$WORKSPACE/src"
OUT="$WORKSPACE/out"
RESULT="$WORKSPACE/build-result.json"

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); } # bash >= 5
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }
BUILD_STARTED=$(now_ms)
STEP_STARTED=$BUILD_STARTED
STEP_NAME=""

step_done() {
  [[ -n "$STEP_NAME" ]] && printf '    (%s: %ss)\n' "$STEP_NAME" "$(secs_since "$STEP_STARTED")"
  return 0
}
step() {
  step_done
  STEP_NAME="$1"
  STEP_STARTED=$(now_ms)
  printf '\n==> [%s] %s\n' "$(date -u +%H:%M:%S)" "$1"
}
info() { printf '    %s\n' "$*"; }
warn() { printf '    warning: %s\n' "$*"; }
fail() {
  local code=$1
  shift
  step_done
  printf '\n!!! build failed in step "%s" (exit %s): %s\n' "${STEP_NAME:-start}" "$code" "$*" >&2
  write_result "failed" "$code" || true
  exit "$code"
}

json_str() { # minimal JSON string escaping for values we produce ourselves
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
write_result() {
  [[ -w "$WORKSPACE" ]] || return 0
  {
    printf '{"status":%s,"exitCode":%s,' "$(json_str "$1")" "$2"
    printf '"framework":%s,"packageManager":%s,' "$(json_str "${FW:-}")" "$(json_str "${PM:-}")"
    printf '"outputDirectory":%s,"files":%s,"bytes":%s,"durationSeconds":%s}\n' \
      "$(json_str "${OUT_REL:-}")" "${OUT_FILES:-0}" "${OUT_BYTES:-0}" "$(secs_since "$BUILD_STARTED")"
  } >"$RESULT.tmp" && mv -f "$RESULT.tmp" "$RESULT"
}

# A relative path with no `..` component and not absolute (empty is fine: the directory itself).
safe_relative() {
  local p=$1 part parts
  [[ "$p" == /* ]] && return 1
  IFS=/ read -r -a parts <<<"$p"
  for part in "${parts[@]}"; do [[ "$part" == ".." ]] && return 1; done
  return 0
}
# $1 resolved inside $2 (both existing directories, symlinks resolved)?
inside() {
  local real base
  real="$(realpath -e -- "$1" 2>/dev/null)" || return 1
  base="$(realpath -e -- "$2" 2>/dev/null)" || return 1
  [[ "$real" == "$base" || "$real" == "$base"/* ]]
}
non_empty_dir() { [[ -d "$1" ]] && [[ -n "$(find "$1" -mindepth 1 -maxdepth 1 -print -quit 2>/dev/null)" ]]; }

# A writable directory for a cache, or a throwaway one under /tmp.
cache_dir() {
  local want=$1 name=$2
  if mkdir -p "$want" 2>/dev/null && [[ -w "$want" ]]; then
    printf '%s\n' "$want"
  else
    mkdir -p "/tmp/deploysphere-cache/$name"
    printf '%s\n' "/tmp/deploysphere-cache/$name"
  fi
}

# ---------------------------------------------------------------------------------------------------
step "Preparing workspace"
[[ -d "$SRC" ]] || fail $EXIT_WORKSPACE "no source at /workspace/src (mount or copy the project there)"
non_empty_dir "$SRC" || fail $EXIT_WORKSPACE "/workspace/src is empty"
[[ -w "$WORKSPACE" ]] || fail $EXIT_WORKSPACE "/workspace is not writable by uid $(id -u)"
mkdir -p "$OUT" 2>/dev/null || fail $EXIT_WORKSPACE "cannot create /workspace/out"
find "$OUT" -mindepth 1 -delete 2>/dev/null || fail $EXIT_WORKSPACE "cannot clear /workspace/out"
rm -f "$RESULT"

if [[ ! -w "$SRC" ]]; then
  info "source is read-only: copying it to /workspace/.build-src"
  rm -rf "$WORKSPACE/.build-src"
  cp -a "$SRC" "$WORKSPACE/.build-src" || fail $EXIT_WORKSPACE "cannot copy the source into /workspace"
  chmod -R u+w "$WORKSPACE/.build-src" || fail $EXIT_WORKSPACE "cannot make the source copy writable"
  SRC="$WORKSPACE/.build-src"
fi

# A read-only root filesystem leaves HOME unwritable; some tools write dotfiles there.
if ! { [[ -d "${HOME:-}" ]] && [[ -w "${HOME:-}" ]]; }; then
  export HOME=/tmp/home
  mkdir -p "$HOME"
fi

NPM_CACHE="$(cache_dir "${NPM_CONFIG_CACHE:-$CACHE_ROOT/npm}" npm)"
export NPM_CONFIG_CACHE="$NPM_CACHE" npm_config_cache="$NPM_CACHE"
COREPACK_HOME="$(cache_dir "$CACHE_ROOT/corepack" corepack)"
export COREPACK_HOME
PNPM_STORE="$(cache_dir "$CACHE_ROOT/pnpm-store" pnpm-store)"
YARN_CACHE="$(cache_dir "$CACHE_ROOT/yarn" yarn)"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_ENABLE_STRICT=0
if [[ "$NPM_CACHE" == /tmp/* ]]; then
  info "npm cache: temporary (no writable cache volume at /cache)"
else
  info "npm cache: persistent (cache volume)"
fi
NODE_VERSION="$(node --version 2>/dev/null || echo missing)"
NPM_VERSION="$(npm --version 2>/dev/null || echo missing)"
info "node $NODE_VERSION, npm $NPM_VERSION, corepack $(corepack --version 2>/dev/null || echo 'not installed')"
# Installed dependencies of the last npm build, kept only on a persistent cache volume.
NM_CACHE=""
if mkdir -p "$CACHE_ROOT/node_modules" 2>/dev/null && [[ -w "$CACHE_ROOT/node_modules" ]]; then NM_CACHE="$CACHE_ROOT/node_modules"; fi
info "running as uid $(id -u) gid $(id -g)"

# ---------------------------------------------------------------------------------------------------
step "Resolving project"
ROOT="$SRC"
if [[ -n "${ROOT_DIRECTORY:-}" ]]; then
  safe_relative "$ROOT_DIRECTORY" || fail $EXIT_CONFIG "ROOT_DIRECTORY must be a relative path without '..'"
  ROOT="$SRC/${ROOT_DIRECTORY#./}"
  [[ -d "$ROOT" ]] || fail $EXIT_CONFIG "ROOT_DIRECTORY does not exist in the source"
  inside "$ROOT" "$SRC" || fail $EXIT_CONFIG "ROOT_DIRECTORY resolves outside the source"
  info "project directory: set by ROOT_DIRECTORY"
else
  info "project directory: source root"
fi
cd "$ROOT" || fail $EXIT_CONFIG "cannot enter the project directory"

HAS_PKG=0 HAS_BUILD_SCRIPT=0 PKG_MANAGER_FIELD="" DEPS=""
if [[ -f package.json ]]; then
  HAS_PKG=1
  PKG_INFO="$(node -e '
    const p = JSON.parse(require("fs").readFileSync("package.json", "utf8"));
    const deps = Object.keys({ ...(p.dependencies || {}), ...(p.devDependencies || {}) });
    const build = p.scripts && typeof p.scripts.build === "string" && p.scripts.build.trim() ? 1 : 0;
    const pm = typeof p.packageManager === "string" ? p.packageManager.split("@")[0] : "";
    process.stdout.write([build, pm.replace(/[|\s]/g, ""), deps.join(" ")].join("|"));
  ' 2>/dev/null)" || fail $EXIT_CONFIG "package.json is not valid JSON"
  # `|` is not IFS whitespace, so an empty middle field is kept.
  IFS='|' read -r HAS_BUILD_SCRIPT PKG_MANAGER_FIELD DEPS <<<"$PKG_INFO"
fi
has_dep() { [[ " $DEPS " == *" $1 "* ]]; }

# Package manager from the lockfile (then the packageManager field), npm by default.
PM=""
if ((HAS_PKG)); then
  if [[ -f package-lock.json || -f npm-shrinkwrap.json ]]; then PM=npm
  elif [[ -f pnpm-lock.yaml ]]; then PM=pnpm
  elif [[ -f yarn.lock ]]; then PM=yarn
  elif [[ -f bun.lockb || -f bun.lock ]]; then PM=bun
  elif [[ "$PKG_MANAGER_FIELD" == pnpm || "$PKG_MANAGER_FIELD" == yarn ]]; then PM=$PKG_MANAGER_FIELD
  else PM=npm
  fi
  info "package manager: $PM"
else
  info "no package.json: static site"
fi

# Framework: FRAMEWORK (normalised to a known name) or detected from the dependencies.
FW=""
case "$(printf '%s' "${FRAMEWORK:-}" | tr '[:upper:]' '[:lower:]')" in
  "") ;;
  vite) FW=vite ;;
  next | nextjs | next.js) FW=nextjs ;;
  cra | create-react-app | react-scripts) FW=create-react-app ;;
  astro) FW=astro ;;
  sveltekit | svelte-kit) FW=sveltekit ;;
  gatsby) FW=gatsby ;;
  nuxt | nuxtjs) FW=nuxt ;;
  docusaurus) FW=docusaurus ;;
  vue-cli | vue) FW=vue-cli ;;
  parcel) FW=parcel ;;
  static | other | none) FW=static ;;
  *) warn "FRAMEWORK is not a known framework name; detecting from package.json instead" ;;
esac
if [[ -n "$FW" ]]; then
  info "framework: $FW (from FRAMEWORK)"
elif ((HAS_PKG)); then
  if has_dep next; then FW=nextjs
  elif has_dep gatsby; then FW=gatsby
  elif has_dep @sveltejs/kit; then FW=sveltekit
  elif has_dep astro; then FW=astro
  elif has_dep nuxt; then FW=nuxt
  elif has_dep @docusaurus/core; then FW=docusaurus
  elif has_dep react-scripts; then FW=create-react-app
  elif has_dep @vue/cli-service; then FW=vue-cli
  elif has_dep vite; then FW=vite
  elif has_dep parcel; then FW=parcel
  fi
  info "framework: ${FW:-none detected} (from package.json)"
else
  FW=static
fi

framework_output() {
  case "$1" in
    vite | astro | vue-cli | parcel) echo dist ;;
    nextjs) echo out ;;
    create-react-app | sveltekit | docusaurus) echo build ;;
    gatsby) echo public ;;
    nuxt) echo .output/public ;;
    *) echo "" ;;
  esac
}

# Run a package-manager command; pnpm/yarn go through corepack.
pm_run() {
  case "$PM" in
    npm) npm "$@" ;;
    pnpm | yarn) corepack "$PM" "$@" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------
step "Installing dependencies"
if [[ -n "${INSTALL_COMMAND:-}" ]]; then
  info "running the configured install command (INSTALL_COMMAND)"
  bash -c "$INSTALL_COMMAND" || fail $EXIT_INSTALL "INSTALL_COMMAND exited with status $?"
elif ((!HAS_PKG)); then
  info "nothing to install"
else
  case "$PM" in
    bun) fail $EXIT_PM "bun lockfile found: bun is not supported by this builder (commit a package-lock.json or set INSTALL_COMMAND)" ;;
    pnpm | yarn)
      command -v corepack >/dev/null 2>&1 ||
        fail $EXIT_PM "$PM lockfile found but corepack is not available in this builder image (commit a package-lock.json or set INSTALL_COMMAND)"
      info "preparing $PM with corepack"
      if ! PM_OUTPUT="$(corepack "$PM" --version 2>&1)"; then
        printf '%s\n' "$PM_OUTPUT" | grep -E '^(Usage |Internal )?Error' | head -n 3 | sed 's/^/    corepack: /'
        if [[ "$PM_OUTPUT" == *signature* || "$PM_OUTPUT" == *keyid* ]]; then
          fail $EXIT_PM "corepack could not verify the $PM package signature (registry mirrors that strip npm signatures need COREPACK_INTEGRITY_KEYS=0 on the build container; see docs/builder.md)"
        fi
        fail $EXIT_PM "corepack could not provide $PM (registry unreachable or packageManager field invalid)"
      fi
      PM_VERSION="$(printf '%s\n' "$PM_OUTPUT" | tail -n 1)"
      info "$PM $PM_VERSION"
      ;;
  esac
  # devDependencies are needed to build even when the project sets NODE_ENV=production.
  case "$PM" in
    npm)
      if [[ -f package-lock.json || -f npm-shrinkwrap.json ]]; then
        # node_modules of the last successful install, keyed by everything npm ci reads: restored
        # instead of reinstalling when none of it changed (the npm cache alone still leaves npm
        # to unpack and link every package).
        NM_KEY="$({ cat package.json package-lock.json npm-shrinkwrap.json .npmrc 2>/dev/null
          printf '|%s|%s|%s|%s' "$NODE_VERSION" "$NPM_VERSION" "$(uname -m)" "${ROOT_DIRECTORY:-.}"; } | sha256sum | cut -c1-32)"
        NM_ARCHIVE="${NM_CACHE:+$NM_CACHE/npm-$NM_KEY.tar}"
        if [[ -n "$NM_ARCHIVE" && -f "$NM_ARCHIVE" ]] && rm -rf node_modules && tar -xf "$NM_ARCHIVE"; then
          info "node_modules restored from the cache (package.json and lockfile unchanged)"
        else
          info "npm ci (lockfile found)"
          env -u NODE_ENV npm ci --include=dev --prefer-offline --no-audit --no-fund
          rc=$?
          if ((rc == 0)) && [[ -n "$NM_ARCHIVE" && -d node_modules ]]; then
            rm -f "$NM_CACHE"/npm-*.tar "$NM_CACHE"/*.tmp
            if tar -cf "$NM_ARCHIVE.tmp" node_modules && mv -f "$NM_ARCHIVE.tmp" "$NM_ARCHIVE"; then
              info "node_modules saved to the cache"
            else
              rm -f "$NM_ARCHIVE.tmp"
              warn "could not save node_modules to the cache"
            fi
          fi
          (exit "$rc")
        fi
      else
        info "npm install (no lockfile)"
        env -u NODE_ENV npm install --include=dev --no-audit --no-fund
      fi
      ;;
    pnpm)
      if [[ -f pnpm-lock.yaml ]]; then
        info "pnpm install --frozen-lockfile"
        env -u NODE_ENV corepack pnpm install --frozen-lockfile --store-dir "$PNPM_STORE"
      else
        info "pnpm install"
        env -u NODE_ENV corepack pnpm install --store-dir "$PNPM_STORE"
      fi
      ;;
    yarn)
      if [[ -f .yarnrc.yml ]] || [[ "${PM_VERSION:-1}" != 1.* ]]; then
        info "yarn install --immutable (yarn berry)"
        env -u NODE_ENV YARN_CACHE_FOLDER="$YARN_CACHE" YARN_ENABLE_GLOBAL_CACHE=false \
          corepack yarn install --immutable
      else
        info "yarn install --frozen-lockfile (yarn classic)"
        env -u NODE_ENV corepack yarn install --frozen-lockfile --cache-folder "$YARN_CACHE"
      fi
      ;;
  esac
  rc=$?
  ((rc == 0)) || fail $EXIT_INSTALL "$PM install exited with status $rc"
fi

# ---------------------------------------------------------------------------------------------------
step "Building"
BUILD_RAN=0
if [[ -n "${BUILD_COMMAND:-}" ]]; then
  info "running the configured build command (BUILD_COMMAND)"
  bash -c "$BUILD_COMMAND" || fail $EXIT_BUILD "BUILD_COMMAND exited with status $?"
  BUILD_RAN=1
elif ((HAS_PKG)) && [[ "$HAS_BUILD_SCRIPT" == 1 ]]; then
  info "$PM run build"
  pm_run run build || fail $EXIT_BUILD "the build script exited with status $?"
  BUILD_RAN=1
else
  info "no build step (no build script, BUILD_COMMAND not set)"
fi

# ---------------------------------------------------------------------------------------------------
step "Locating output"
OUT_REL=""
if [[ -n "${OUTPUT_DIRECTORY:-}" ]]; then
  safe_relative "$OUTPUT_DIRECTORY" || fail $EXIT_CONFIG "OUTPUT_DIRECTORY must be a relative path without '..'"
  OUT_REL="${OUTPUT_DIRECTORY#./}"
  OUT_REL="${OUT_REL%/}"
  [[ -n "$OUT_REL" ]] || OUT_REL="."
  [[ -d "$OUT_REL" ]] || fail $EXIT_OUTPUT "OUTPUT_DIRECTORY does not exist after the build"
  info "output directory: set by OUTPUT_DIRECTORY"
else
  # A known framework's own directory is authoritative (a Vite project's public/ holds source
  # assets, not a build). Without one: the usual names after a build, public/ without a build.
  fw_out="$(framework_output "$FW")"
  if [[ -n "$fw_out" ]]; then
    candidates=("$fw_out")
  elif ((BUILD_RAN)); then
    candidates=(dist build out public)
  else
    candidates=(public)
  fi
  for c in "${candidates[@]}"; do
    if [[ -f "$c/index.html" ]] || { ((BUILD_RAN)) && non_empty_dir "$c"; }; then
      OUT_REL="$c"
      break
    fi
  done
  # A plain static site (no framework) is served from the project directory itself.
  if [[ -z "$OUT_REL" ]] && [[ -z "$FW" || "$FW" == static ]] && [[ -f index.html ]]; then
    OUT_REL="."
  fi
  if [[ -z "$OUT_REL" ]]; then
    hint=""
    [[ "$FW" == nextjs ]] && hint=" (Next.js needs output: 'export' in next.config for a static export)"
    if [[ -n "$fw_out" ]]; then
      fail $EXIT_OUTPUT "no output found: expected $fw_out/ for $FW$hint; set OUTPUT_DIRECTORY"
    fi
    fail $EXIT_OUTPUT "no output found (looked for ${candidates[*]} and an index.html); set OUTPUT_DIRECTORY"
  fi
  info "output directory: $OUT_REL"
fi
inside "$OUT_REL" "$SRC" || fail $EXIT_CONFIG "the output directory resolves outside the source"
non_empty_dir "$OUT_REL" || fail $EXIT_OUTPUT "the output directory is empty"
[[ -f "$OUT_REL/index.html" ]] || warn "the output has no index.html at its top level"

# ---------------------------------------------------------------------------------------------------
step "Copying output to /workspace/out"
if [[ "$OUT_REL" == "." ]]; then
  # Serving the project directory: leave out VCS data, dependencies and env files.
  tar -C . -cf - --exclude=./.git --exclude=./node_modules --exclude='./.env' --exclude='./.env.*' \
    . | tar -C "$OUT" -xf - || fail $EXIT_COPY "copying the output failed"
else
  cp -a "$OUT_REL"/. "$OUT"/ || fail $EXIT_COPY "copying the output failed"
fi
# Symlinks that leave the artifact would expose builder files when served: drop them.
OUT_REAL="$(realpath -m -- "$OUT")"
while IFS= read -r -d '' link; do
  target="$(realpath -m -- "$link")"
  if [[ "$target" != "$OUT_REAL" && "$target" != "$OUT_REAL"/* ]]; then
    warn "dropped a symlink that points outside the output: ${link#"$OUT"/}"
    rm -f -- "$link"
  fi
done < <(find "$OUT" -type l -print0)
OUT_FILES="$(find "$OUT" -type f | wc -l | tr -d ' ')"
OUT_BYTES="$(du -sb "$OUT" | cut -f1)"
info "$OUT_FILES files, $OUT_BYTES bytes"

step_done
write_result "succeeded" 0 || warn "could not write /workspace/build-result.json"
printf '\n==> [%s] Build succeeded in %ss\n' "$(date -u +%H:%M:%S)" "$(secs_since "$BUILD_STARTED")"
